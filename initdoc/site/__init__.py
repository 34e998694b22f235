"""What the MkDocs hook calls: page references, assets and page weight."""
