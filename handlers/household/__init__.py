"""Residents and their households: 帮助, 登记, 查询, mention consent, and the household roster."""
