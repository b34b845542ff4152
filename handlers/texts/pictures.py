"""Texts of pictures of 接龙 lists (OCR)."""

from __future__ import annotations

PICTURE_RECEIVED = "收到图片，正在识别…（图片 #{picture}，识别完会发消息告诉您）"

PICTURE_NOT_SUPPORTED = "这个渠道收不到图片内容，请把接龙文字复制粘贴发给我。"

PICTURE_READ = "图片 #{picture} 识别完成：「{title}」读到 {lines} 行，新增 {added} 条。"

PICTURE_READ_NOTHING_NEW = (
    "图片 #{picture} 识别完成：「{title}」里的 {lines} 行都已登记过，没有新增。"
)

PICTURE_TO_CHECK = "其中 {count} 条看不太清（第 {seqs} 条），已标为待核实，工作人员会对照图片核对。"

PICTURE_NO_LIST = (
    "图片 #{picture} 里没有找到接龙：请发接龙的截图（带“#接龙”标题那一段），或直接粘贴文字。"
)
