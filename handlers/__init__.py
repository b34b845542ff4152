"""Pure message handling: routing, 接龙 parsing and merging, needs, commands.

No Flask, wechatpy or SQLAlchemy here (checked by `make lint`).
"""
