"""What the apps share: request and response models, media encoding, backend selection."""
