"""Money of a campaign: what each household owes, payments and refunds, 扫码收款."""
