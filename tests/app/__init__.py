"""Live-app checks (Voila + headless Chromium); collected only when asked for by path."""
