"""Needs (需求): recognising a free-form request, its ticket, workers' need commands, answers
already given in the group, and the same need seen across households."""
