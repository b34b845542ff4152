"""`python -m bot ...`: replay, serve, init-db."""

from bot.cli import main

raise SystemExit(main())
