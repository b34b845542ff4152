"""团购 campaigns: 开团, orders from 接龙 entries, 截单, allocation, 到货 with pickup slots and
codes, 核销, and order imports from 快团团 / 群接龙 exports."""
