"""Pure message handling, a package per feature: jielong/ (接龙 chains), campaign/ (团购),
money/, needs/ (需求), household/ (residents), community/ (set-up), pictures/ (OCR'd lists).

Each feature has its route table (`routes.py`), its storage Protocol (`repo.py`) and its
handlers; `handlers/routes.py` only puts the features' tables in order. Shared here: the
Context, the message and action types, statuses, texts and the reach rule.
No Flask, wechatpy or SQLAlchemy here (checked by `make lint`).
"""
