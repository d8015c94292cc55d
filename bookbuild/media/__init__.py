"""Pictures for every writer: Pillow renditions and the generated cover."""
