// The new-consultation form: suggestions come from htmx attributes; nothing else needed yet.
