"""Model building: a float model from timm, torchvision or a user's module (with its checkpoint), the names a
checkpoint's library gives its layers, a recipe's node names found in our graph, and graph statistics."""
