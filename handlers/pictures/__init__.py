"""Pictures of 接龙 lists: queued for OCR, read back into lines, merged as a repost."""
