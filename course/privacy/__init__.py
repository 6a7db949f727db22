"""Data protection over the whole life of a participant's data: what is held about
a person (export), erasing it while anonymous statistics stay, retention, backup."""
