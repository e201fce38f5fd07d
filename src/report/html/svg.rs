//! A small SVG writer that escapes every attribute value and every text node it is given.
//!
//! Tag and attribute *names* are `&'static str`, so only this crate's code can choose them;
//! every *value* and every text passes through [`escape`]. Note text therefore cannot open
//! or close an element, end an attribute, or become a URL: the worst it can do is show up
//! as text. See docs/html-report.md for why this is not plotters.

use std::fmt::{self, Display, Write as _};

/// Escapes `s` for an XML/HTML text node or a double- or single-quoted attribute value.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

fn escape_into(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // Control characters are not allowed in XML; in HTML they are noise.
            c if c.is_control() && c != '\n' && c != '\t' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// A `fmt::Write` that escapes what is written through it.
struct Escaping<'a>(&'a mut String);

impl fmt::Write for Escaping<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        escape_into(self.0, s);
        Ok(())
    }
}

/// A number for a coordinate: at most one decimal, no trailing `.0`.
pub struct N(pub f64);

impl Display for N {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let v = if self.0.is_finite() { self.0 } else { 0.0 };
        let r = (v * 10.0).round() / 10.0;
        if r == r.trunc() {
            write!(f, "{}", r as i64)
        } else {
            write!(f, "{r:.1}")
        }
    }
}

/// An SVG document being written. Elements are closed in order by `end` and `finish`.
pub struct Svg {
    out: String,
    open: Vec<&'static str>,
    id: &'static str,
}

pub type Attrs<'a> = &'a [(&'static str, &'a dyn Display)];

impl Svg {
    /// An `<svg>` whose title and description are its text alternative (`role="img"`,
    /// `aria-labelledby`). `id` prefixes the ids inside it (ids must be unique in the whole
    /// page). The size is given to `finish`, once the drawing knows it.
    pub fn new(id: &'static str, title: &str, desc: &str) -> Svg {
        let mut s = Svg {
            out: String::new(),
            open: Vec::new(),
            id,
        };
        let title_id = format!("{id}-title");
        let desc_id = format!("{id}-desc");
        s.text_el("title", &[("id", &title_id)], title);
        s.text_el("desc", &[("id", &desc_id)], desc);
        s
    }

    fn tag(&mut self, name: &'static str, attrs: Attrs) {
        self.out.push('<');
        self.out.push_str(name);
        for (k, v) in attrs {
            self.out.push(' ');
            self.out.push_str(k);
            self.out.push_str("=\"");
            let _ = write!(Escaping(&mut self.out), "{v}");
            self.out.push('"');
        }
    }

    /// Opens an element; `end` closes it.
    pub fn start(&mut self, name: &'static str, attrs: Attrs) {
        self.tag(name, attrs);
        self.out.push('>');
        self.open.push(name);
    }

    pub fn end(&mut self) {
        if let Some(name) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        self.out.push('\n');
    }

    /// An element without content.
    pub fn empty(&mut self, name: &'static str, attrs: Attrs) {
        self.tag(name, attrs);
        self.out.push_str("/>\n");
    }

    /// An element holding only text (escaped).
    pub fn text_el(&mut self, name: &'static str, attrs: Attrs, text: &str) {
        self.tag(name, attrs);
        self.out.push('>');
        escape_into(&mut self.out, text);
        self.out.push_str("</");
        self.out.push_str(name);
        self.out.push_str(">\n");
    }

    /// `<title>` for the element just opened: the tooltip and its accessible name.
    pub fn title(&mut self, text: &str) {
        self.text_el("title", &[], text);
    }

    /// A `<text>` at (x, y).
    pub fn label(&mut self, x: f64, y: f64, class: &'static str, anchor: &'static str, s: &str) {
        self.text_el(
            "text",
            &[
                ("x", &N(x)),
                ("y", &N(y)),
                ("class", &class),
                ("text-anchor", &anchor),
            ],
            s,
        );
    }

    /// A `<text>` turned 90° anticlockwise around (x, y), for a vertical axis title.
    pub fn vlabel(&mut self, x: f64, y: f64, class: &'static str, s: &str) {
        let t = format!("rotate(-90 {} {})", N(x), N(y));
        self.text_el(
            "text",
            &[
                ("x", &N(x)),
                ("y", &N(y)),
                ("class", &class),
                ("text-anchor", &"middle"),
                ("transform", &t),
            ],
            s,
        );
    }

    /// Closes every open element and returns the document, `width` x `height` user units
    /// (also its natural size in CSS pixels; the page's CSS scales it down to fit).
    pub fn finish(mut self, width: f64, height: f64) -> String {
        while !self.open.is_empty() {
            self.end();
        }
        let mut head = Svg {
            out: String::new(),
            open: Vec::new(),
            id: self.id,
        };
        let viewbox = format!("0 0 {} {}", N(width), N(height));
        let labelled = format!("{id}-title {id}-desc", id = self.id);
        head.start(
            "svg",
            &[
                ("xmlns", &"http://www.w3.org/2000/svg"),
                ("id", &self.id),
                ("class", &"chart"),
                ("viewBox", &viewbox),
                ("width", &N(width)),
                ("height", &N(height)),
                ("role", &"img"),
                ("aria-labelledby", &labelled),
            ],
        );
        head.out.push('\n');
        head.out.push_str(&self.out);
        head.out.push_str("</svg>\n");
        head.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers() {
        assert_eq!(N(3.0).to_string(), "3");
        assert_eq!(N(3.04).to_string(), "3");
        assert_eq!(N(3.25).to_string(), "3.3");
        assert_eq!(N(-1.5).to_string(), "-1.5");
        assert_eq!(N(f64::NAN).to_string(), "0");
    }

    #[test]
    fn every_value_and_text_is_escaped() {
        let evil = "</svg><script>document.title='pwned'</script><img src=x onerror=\"x\">&";
        let mut s = Svg::new("c", evil, evil);
        s.start("g", &[("data-x", &evil)]);
        s.title(evil);
        s.label(1.0, 2.0, "l", "start", evil);
        s.vlabel(1.0, 2.0, "l", evil);
        s.empty("rect", &[("data-y", &evil)]);
        let out = s.finish(10.0, 10.0);
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("</svg><"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(!out.contains("'pwned'"), "{out}");
        assert!(out.contains("&lt;/svg&gt;&lt;script&gt;document.title=&#39;pwned&#39;"));
        assert!(out.contains("onerror=&quot;x&quot;&gt;&amp;"));
        assert!(out.ends_with("</g>\n</svg>\n"), "{out}");
        // Every quote in the output delimits an attribute: an even number per tag.
        for tag in out.split('<').skip(1) {
            assert_eq!(tag.matches('"').count() % 2, 0, "{tag}");
        }
    }

    #[test]
    fn control_characters_are_replaced() {
        assert_eq!(escape("a\u{0}b\u{1b}c\nd"), "a\u{FFFD}b\u{FFFD}c\nd");
    }
}
