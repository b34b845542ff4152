"""Pictures of a 接龙: safe decoding, OCR, and fetching the picture from each channel."""
