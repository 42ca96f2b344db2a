//! `--for`: the outputs and settings each place a deck goes to needs, as one
//! switch. docs/sharing.md has the table of what each site expects and where
//! each figure comes from.

use crate::layout::impose::{HandoutOptions, Order, PaperSize};
use crate::pipeline::Options;

/// Where the deck goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Destination {
    SpeakerDeck,
    SlideShare,
    Docswell,
    Mail,
    Print,
}

const MB: u64 = 1024 * 1024;

/// What a destination sets.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Profile {
    /// PDF page size as a multiple of the slide's 960 × 540 pt.
    pub page_scale: f32,
    /// Largest PDF the destination takes (or we keep to where it is unknown).
    pub max_size: u64,
    /// Images downsampled to this resolution at their placed size.
    pub image_dpi: Option<f32>,
    /// A handout with QR codes (slides per page) when none is asked for.
    pub handout: Option<usize>,
}

impl Destination {
    pub fn profile(self) -> Profile {
        match self {
            // Sharing sites rasterise the PDF by its page size; Speaker Deck
            // warns that 960 × 540 pages convert at low quality, so they get
            // pages twice as large (vector content scales; figures keep
            // their pixels).
            Destination::SpeakerDeck => Profile {
                page_scale: 2.0,
                // The free plan's limit per file.
                max_size: 150 * MB,
                image_dpi: None,
                handout: None,
            },
            Destination::SlideShare | Destination::Docswell => Profile {
                page_scale: 2.0,
                // The sites' limits are not published where we could verify
                // them: 100 MB is the LinkedIn documents limit, the lowest
                // we found among sharing sites.
                max_size: 100 * MB,
                image_dpi: None,
                handout: None,
            },
            // Exchange's default and many servers stop at 20 MB, and base64
            // makes an attachment 1.37 times larger: 10 MB leaves a margin.
            Destination::Mail => Profile {
                page_scale: 1.0,
                max_size: 10 * MB,
                image_dpi: Some(150.0),
                handout: None,
            },
            // Three slides a page with ruled lines and each paper's QR code.
            Destination::Print => Profile {
                page_scale: 1.0,
                max_size: 100 * MB,
                image_dpi: None,
                handout: Some(3),
            },
        }
    }

    /// Sets `opts` for this destination: the PDF only (sites re-render a PPTX
    /// with their own fonts), its page size, images and size limit. A smaller
    /// `--max-size`, `--compress-images` and an asked-for handout are kept.
    pub fn apply(self, opts: &mut Options) {
        let p = self.profile();
        opts.pdf = true;
        opts.pptx = false;
        opts.page_scale = p.page_scale;
        opts.max_size = Some(opts.max_size.map_or(p.max_size, |m| m.min(p.max_size)));
        if opts.compress_images.is_none() {
            opts.compress_images = p.image_dpi;
        }
        if let Some(dpi) = p.image_dpi {
            opts.image_dpi = dpi;
        }
        if let Some(per_page) = p.handout {
            let h = opts.handout.get_or_insert(HandoutOptions {
                per_page,
                paper: PaperSize::A4,
                order: Order::Across,
                qr: true,
            });
            h.qr = true;
        }
    }
}
