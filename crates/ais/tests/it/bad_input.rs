//! Bad input: counted rejections, never a panic.
