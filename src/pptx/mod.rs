//! PPTX writer: the pages model as native, editable PowerPoint slides.
