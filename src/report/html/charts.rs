//! The charts of the HTML report, drawn as SVG from `HtmlReport` data.
//!
//! Each chart has a title and a description inside the SVG (its text alternative), axis
//! titles with units, and stable `id`/`class`/`data-` attributes that the browser test
//! counts. Money and waste are told apart by a pattern (stripes, dots) and by words, not by
//! colour alone.

use chrono::Datelike;

use super::data::{
    BarUnit, BlocksCalendar, DayBar, DayBars, Fill, Heatmap, HourProfile, Kind, MONEY_COLOUR,
    MoneyWasteChart, Series, WASTE_COLOUR,
};
use super::svg::{N, Svg};
use crate::report::blocks::DayState;
use crate::report::render::duration;

/// The width charts are drawn for; they scale down to the page (and a phone).
const W: f64 = 960.0;
/// Approximate width of a character of the 12px labels, for laying out legends.
const CHAR_W: f64 = 7.0;

/// `4h` for whole hours, else `1h 30m` / `45m`.
fn hours_label(m: u64) -> String {
    if m > 0 && m.is_multiple_of(60) {
        format!("{}h", m / 60)
    } else {
        duration(m)
    }
}

/// An axis tick: `45m`, `3h`, `2.5h`, `1.25h` (short, to fit left of the plot).
fn tick_label(m: u64) -> String {
    if m < 60 {
        format!("{m}m")
    } else if m.is_multiple_of(60) {
        format!("{}h", m / 60)
    } else {
        let h = format!("{:.2}", m as f64 / 60.0);
        format!("{}h", h.trim_end_matches('0'))
    }
}

/// A tick step (minutes) that puts at most six ticks on an axis up to `max`, and the top.
fn axis(max: u64) -> (u64, u64) {
    const STEPS: [u64; 12] = [15, 30, 60, 120, 180, 240, 360, 480, 720, 1440, 2880, 5760];
    let step = STEPS
        .iter()
        .copied()
        .find(|s| max.div_ceil(*s) <= 6)
        .unwrap_or_else(|| (max.div_ceil(6)).div_ceil(1440).max(1) * 1440);
    let top = max.div_ceil(step).max(1) * step;
    (step, top)
}

fn pattern_id(prefix: &str, fill: Fill) -> String {
    match fill {
        Fill::Stripes => format!("{prefix}-money"),
        Fill::Dots => format!("{prefix}-waste"),
        Fill::Solid => String::new(),
    }
}

/// The hatching patterns for money (stripes) and waste (dots), ids prefixed per chart.
fn patterns(s: &mut Svg, prefix: &str) {
    s.start("defs", &[]);
    let money = pattern_id(prefix, Fill::Stripes);
    s.start(
        "pattern",
        &[
            ("id", &money),
            ("patternUnits", &"userSpaceOnUse"),
            ("width", &6),
            ("height", &6),
            ("patternTransform", &"rotate(45)"),
        ],
    );
    s.empty(
        "rect",
        &[("width", &6), ("height", &6), ("fill", &MONEY_COLOUR)],
    );
    s.empty(
        "rect",
        &[("width", &2), ("height", &6), ("fill", &"#ffffff")],
    );
    s.end();
    let waste = pattern_id(prefix, Fill::Dots);
    s.start(
        "pattern",
        &[
            ("id", &waste),
            ("patternUnits", &"userSpaceOnUse"),
            ("width", &6),
            ("height", &6),
        ],
    );
    s.empty(
        "rect",
        &[("width", &6), ("height", &6), ("fill", &WASTE_COLOUR)],
    );
    s.empty(
        "circle",
        &[("cx", &3), ("cy", &3), ("r", &1.4), ("fill", &"#ffffff")],
    );
    s.end();
    s.end();
}

fn fill_of(prefix: &str, se: &Series) -> String {
    match se.fill {
        Fill::Solid => se.colour.clone(),
        f => format!("url(#{})", pattern_id(prefix, f)),
    }
}

fn kind_class(k: Kind) -> &'static str {
    match k {
        Kind::Money => "seg money",
        Kind::Waste => "seg waste",
        Kind::Other => "seg other",
        Kind::Uncategorised => "seg uncategorised",
    }
}

/// A legend of swatches and names, wrapped to `width`; returns the height used.
fn legend(
    s: &mut Svg,
    x0: f64,
    y0: f64,
    width: f64,
    items: &[(String, String, &'static str)],
) -> f64 {
    let (mut x, mut y) = (x0, y0);
    s.start("g", &[("class", &"legend")]);
    for (fill, name, class) in items {
        let w = 22.0 + CHAR_W * name.chars().count() as f64 + 18.0;
        if x > x0 && x + w > x0 + width {
            x = x0;
            y += 20.0;
        }
        s.empty(
            "rect",
            &[
                ("x", &N(x)),
                ("y", &N(y)),
                ("width", &14),
                ("height", &14),
                ("fill", fill),
                ("class", class),
                ("stroke", &"#333"),
                ("stroke-width", &0.5),
            ],
        );
        s.label(x + 19.0, y + 11.5, "legend-label", "start", name);
        x += w;
    }
    s.end();
    y + 20.0 - y0
}

/// Where a chart with its legend above a value axis draws its bars.
struct Plot {
    bottom: f64,
    /// Pixels per minute.
    scale: f64,
}

/// The legend at the top (between the standard margins), then, `gap` below it, a value axis
/// for `max` minutes over `height` pixels.
fn legend_and_axis(
    s: &mut Svg,
    items: &[(String, String, &'static str)],
    gap: f64,
    height: f64,
    max: u64,
    title: &str,
) -> Plot {
    let (ml, mr) = (64.0, 12.0);
    let lh = legend(s, ml, 8.0, W - ml - mr, items);
    let top = 8.0 + lh + gap;
    let bottom = top + height;
    let scale = value_axis(s, ml, W - mr, top, bottom, max, title);
    Plot { bottom, scale }
}

/// Horizontal grid lines with their labels, and the value axis title; returns the scale in
/// pixels per minute.
fn value_axis(
    s: &mut Svg,
    left: f64,
    right: f64,
    top: f64,
    bottom: f64,
    max: u64,
    title: &str,
) -> f64 {
    let (step, topv) = axis(max);
    let scale = (bottom - top) / topv as f64;
    s.start("g", &[("class", &"y-axis")]);
    let mut v = 0;
    while v <= topv {
        let y = bottom - v as f64 * scale;
        s.empty(
            "line",
            &[
                ("x1", &N(left)),
                ("x2", &N(right)),
                ("y1", &N(y)),
                ("y2", &N(y)),
                ("class", &if v == 0 { "axis" } else { "grid" }),
            ],
        );
        s.label(left - 6.0, y + 4.0, "tick", "end", &tick_label(v));
        v += step;
    }
    s.vlabel(14.0, (top + bottom) / 2.0, "axis-title", title);
    s.end();
    scale
}

/// The stacked bar per day of time per category.
pub fn day_bars(d: &DayBars, series: &[Series]) -> String {
    const P: &str = "days";
    let title = format!("Logged time per {}, by category", d.unit.word());
    let mut s = Svg::new("chart-days", &title, &d.alt);
    patterns(&mut s, P);
    let items: Vec<(String, String, &'static str)> = series
        .iter()
        .map(|se| {
            (
                fill_of(P, se),
                format!("{} {}", se.name, hours_label(se.minutes)),
                "swatch",
            )
        })
        .collect();
    let (ml, mr) = (64.0, 12.0);
    let Plot { bottom, scale } =
        legend_and_axis(&mut s, &items, 12.0, 260.0, d.max_minutes, "Hours logged");
    let height = bottom + 70.0;
    let n = d.days.len().max(1) as f64;
    let bw = (W - ml - mr) / n;
    let bar = (bw * 0.72).clamp(1.0, 56.0);
    let every = ((n * 30.0) / (W - ml - mr)).ceil().max(1.0) as usize;
    s.start("g", &[("class", &"bars")]);
    for (i, day) in d.days.iter().enumerate() {
        let x = ml + i as f64 * bw + (bw - bar) / 2.0;
        let date = day.date.to_string();
        s.start(
            "g",
            &[
                ("class", &"day"),
                ("data-date", &date),
                ("data-minutes", &day.total_minutes),
            ],
        );
        let parts: Vec<String> = day
            .segments
            .iter()
            .map(|g| format!("{} {}", g.category, duration(g.minutes)))
            .collect();
        let when = match day.to {
            Some(to) => format!("{} ({date} to {to})", day.weekday),
            None => format!("{} {date}", day.weekday),
        };
        let tip = if parts.is_empty() {
            format!(
                "{when}: nothing logged{}",
                if day.has_note { "" } else { " (no note)" }
            )
        } else {
            format!(
                "{when}: {} ({})",
                duration(day.total_minutes),
                parts.join(", ")
            )
        };
        s.title(&tip);
        let mut y = bottom;
        for g in &day.segments {
            let h = g.minutes as f64 * scale;
            y -= h;
            let se = &series[g.series];
            s.empty(
                "rect",
                &[
                    ("x", &N(x)),
                    ("y", &N(y)),
                    ("width", &N(bar)),
                    ("height", &N(h)),
                    ("fill", &fill_of(P, se)),
                    ("class", &kind_class(se.kind)),
                    ("data-category", &g.category),
                    ("data-minutes", &g.minutes),
                ],
            );
        }
        s.end();
        if i % every == 0 {
            let cx = ml + i as f64 * bw + bw / 2.0;
            let class = if day.has_note { "tick" } else { "tick muted" };
            match d.unit {
                BarUnit::Day => {
                    s.label(
                        cx,
                        bottom + 16.0,
                        class,
                        "middle",
                        &day.date.day().to_string(),
                    );
                    s.label(cx, bottom + 30.0, class, "middle", &day.weekday);
                    if i == 0 || day.date.day() <= every as u32 {
                        s.label(
                            cx,
                            bottom + 44.0,
                            "tick month",
                            "middle",
                            &day.date.format("%b %Y").to_string(),
                        );
                    }
                }
                // `W48` over its year; `Nov` over its year; the year.
                BarUnit::Week | BarUnit::Month => {
                    let short = match d.unit {
                        BarUnit::Week => format!("W{:02}", day.date.iso_week().week()),
                        _ => day.date.format("%b").to_string(),
                    };
                    s.label(cx, bottom + 16.0, class, "middle", &short);
                    let year = |b: &DayBar| match d.unit {
                        BarUnit::Week => b.date.iso_week().year(),
                        _ => b.date.year(),
                    };
                    if i == 0 || d.days.get(i.saturating_sub(every)).map(year) != Some(year(day)) {
                        s.label(
                            cx,
                            bottom + 30.0,
                            "tick month",
                            "middle",
                            &year(day).to_string(),
                        );
                    }
                }
                BarUnit::Year => {
                    s.label(cx, bottom + 16.0, class, "middle", &day.weekday);
                }
            }
        }
    }
    s.end();
    s.label(
        ml + (W - ml - mr) / 2.0,
        bottom + 62.0,
        "axis-title",
        "middle",
        match d.unit {
            BarUnit::Day => "Day (date, weekday)",
            BarUnit::Week => "ISO week (week, year)",
            BarUnit::Month => "Month (month, year)",
            BarUnit::Year => "Year",
        },
    );
    finish(s, height)
}

/// Closes the chart, `W` wide and `height` high (known at the end: legends wrap).
fn finish(s: Svg, height: f64) -> String {
    s.finish(W, height)
}

/// Interpolates from a light to a dark blue: one hue, so the order reads without colour.
fn heat_colour(m: u64, max: u64) -> String {
    if m == 0 || max == 0 {
        return "#f3f3f3".to_string();
    }
    let t = (m as f64 / max as f64).clamp(0.0, 1.0);
    let (a, b) = ((0xde, 0xeb, 0xf7), (0x08, 0x30, 0x6b));
    let mix = |x: i32, y: i32| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as i32;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

/// The weekday x hour heatmap.
pub fn heatmap(h: &Heatmap) -> String {
    let mut s = Svg::new(
        "chart-heatmap",
        "Logged time by weekday and hour of day",
        &h.alt,
    );
    let (ml, top) = (64.0, 10.0);
    let cw = (W - ml - 16.0) / 24.0;
    let ch = 26.0;
    s.start("g", &[("class", &"cells")]);
    for (w, row) in h.rows.iter().enumerate() {
        let y = top + w as f64 * ch;
        s.label(ml - 8.0, y + ch / 2.0 + 4.0, "tick", "end", &row.weekday);
        for (hour, m) in row.minutes.iter().enumerate() {
            let x = ml + hour as f64 * cw;
            s.start(
                "rect",
                &[
                    ("x", &N(x + 1.0)),
                    ("y", &N(y + 1.0)),
                    ("width", &N(cw - 2.0)),
                    ("height", &N(ch - 2.0)),
                    ("fill", &heat_colour(*m, h.max_minutes)),
                    ("class", &"cell"),
                    ("data-weekday", &row.weekday),
                    ("data-hour", &hour),
                    ("data-minutes", m),
                ],
            );
            s.title(&format!(
                "{} {:02}:00–{:02}:00: {}",
                row.weekday,
                hour,
                (hour + 1) % 24,
                duration(*m)
            ));
            s.end();
        }
    }
    s.end();
    let bottom = top + 7.0 * ch;
    for hour in 0..24 {
        let x = ml + hour as f64 * cw + cw / 2.0;
        s.label(x, bottom + 16.0, "tick", "middle", &format!("{hour:02}"));
    }
    s.label(
        ml + 12.0 * cw,
        bottom + 34.0,
        "axis-title",
        "middle",
        "Hour of day (the hour starting at)",
    );
    s.vlabel(14.0, top + 3.5 * ch, "axis-title", "Weekday");
    // The scale.
    let ly = bottom + 48.0;
    s.start("g", &[("class", &"legend")]);
    s.label(
        ml,
        ly + 12.0,
        "legend-label",
        "start",
        "Time in the slot, over the period:",
    );
    let lx = ml + 250.0;
    for i in 0..=5u64 {
        let m = h.max_minutes * i / 5;
        let x = lx + i as f64 * 86.0;
        s.empty(
            "rect",
            &[
                ("x", &N(x)),
                ("y", &N(ly)),
                ("width", &18),
                ("height", &14),
                ("fill", &heat_colour(m, h.max_minutes)),
                ("stroke", &"#999"),
                ("stroke-width", &0.5),
            ],
        );
        s.label(x + 22.0, ly + 12.0, "legend-label", "start", &duration(m));
    }
    s.end();
    finish(s, ly + 24.0)
}

/// A five-pointed star centred on (cx, cy).
fn star(cx: f64, cy: f64, r: f64) -> String {
    (0..10)
        .map(|i| {
            let a = std::f64::consts::PI / 5.0 * f64::from(i) - std::f64::consts::FRAC_PI_2;
            let rr = if i % 2 == 0 { r } else { r * 0.45 };
            format!("{},{}", N(cx + rr * a.cos()), N(cy + rr * a.sin()))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The hour-of-day profile with the most productive hours starred.
pub fn hours(p: &HourProfile) -> String {
    let mut s = Svg::new("chart-hours", "Logged time per hour of the day", &p.alt);
    let (ml, mr) = (64.0, 12.0);
    let items = vec![
        ("#9ecae1".to_string(), "hour".to_string(), "swatch"),
        (
            "#08519c".to_string(),
            "one of the 3 most productive hours (★ rank): money + priority minutes + 30 per task done"
                .to_string(),
            "swatch",
        ),
    ];
    let Plot { bottom, scale } = legend_and_axis(
        &mut s,
        &items,
        26.0,
        200.0,
        p.peak_minutes,
        "Hours logged (total)",
    );
    let bw = (W - ml - mr) / 24.0;
    s.start("g", &[("class", &"bars")]);
    for h in &p.hours {
        let x = ml + f64::from(h.hour) * bw + bw * 0.14;
        let bh = h.minutes as f64 * scale;
        let (class, fill) = match h.productive_rank {
            Some(_) => ("hour productive", "#08519c"),
            None => ("hour", "#9ecae1"),
        };
        let rank = h.productive_rank.map_or(String::new(), |r| r.to_string());
        s.start(
            "rect",
            &[
                ("x", &N(x)),
                ("y", &N(bottom - bh)),
                ("width", &N(bw * 0.72)),
                ("height", &N(bh)),
                ("fill", &fill),
                ("class", &class),
                ("data-hour", &h.hour),
                ("data-minutes", &h.minutes),
                ("data-rank", &rank),
            ],
        );
        let mut tip = format!(
            "{:02}:00–{:02}:00: {}",
            h.hour,
            (h.hour + 1) % 24,
            duration(h.minutes)
        );
        if let Some(r) = h.productive_rank {
            tip.push_str(&format!(", productive hour #{r} (score {})", h.score));
        }
        s.title(&tip);
        s.end();
        if let Some(r) = h.productive_rank {
            let cx = x + bw * 0.36;
            let cy = bottom - bh - 14.0;
            s.empty(
                "polygon",
                &[
                    ("points", &star(cx - 6.0, cy, 7.0)),
                    ("class", &"star"),
                    ("fill", &"#E69F00"),
                    ("stroke", &"#333"),
                    ("stroke-width", &0.8),
                ],
            );
            s.label(cx + 6.0, cy + 4.0, "rank", "start", &r.to_string());
        }
        s.label(
            ml + f64::from(h.hour) * bw + bw / 2.0,
            bottom + 16.0,
            "tick",
            "middle",
            &format!("{:02}", h.hour),
        );
    }
    s.end();
    s.label(
        ml + (W - ml - mr) / 2.0,
        bottom + 34.0,
        "axis-title",
        "middle",
        "Hour of day (the hour starting at)",
    );
    finish(s, bottom + 44.0)
}

/// Money against waste per ISO week, as paired bars with patterns and direct labels.
pub fn money_waste(m: &MoneyWasteChart) -> String {
    const P: &str = "mw";
    let title = format!("Money against waste per {}", m.unit.word());
    let mut s = Svg::new("chart-money-waste", &title, &m.alt);
    patterns(&mut s, P);
    let (ml, mr) = (64.0, 12.0);
    let money_fill = format!("url(#{})", pattern_id(P, Fill::Stripes));
    let waste_fill = format!("url(#{})", pattern_id(P, Fill::Dots));
    let items = vec![
        (
            money_fill.clone(),
            format!("money (stripes) {}", hours_label(m.money_minutes)),
            "swatch",
        ),
        (
            waste_fill.clone(),
            format!("waste (dots) {}", hours_label(m.waste_minutes)),
            "swatch",
        ),
    ];
    let Plot { bottom, scale } = legend_and_axis(
        &mut s,
        &items,
        22.0,
        220.0,
        m.max_minutes,
        &format!("Hours in the {}", m.unit.word()),
    );
    let n = m.weeks.len().max(1) as f64;
    let gw = ((W - ml - mr) / n).min(180.0);
    let x0 = ml + ((W - ml - mr) - gw * n) / 2.0;
    let bw = gw * 0.34;
    let words = gw >= 90.0;
    s.start("g", &[("class", &"bars")]);
    for (i, w) in m.weeks.iter().enumerate() {
        let gx = x0 + i as f64 * gw;
        s.start("g", &[("class", &"week"), ("data-week", &w.week)]);
        s.title(&format!(
            "{}: money {}, waste {}",
            w.week,
            duration(w.money_minutes),
            duration(w.waste_minutes)
        ));
        for (j, (minutes, fill, class, word)) in [
            (w.money_minutes, &money_fill, "money", "money"),
            (w.waste_minutes, &waste_fill, "waste", "waste"),
        ]
        .into_iter()
        .enumerate()
        {
            let x = gx + gw * 0.14 + j as f64 * (bw + gw * 0.04);
            let h = minutes as f64 * scale;
            s.empty(
                "rect",
                &[
                    ("x", &N(x)),
                    ("y", &N(bottom - h)),
                    ("width", &N(bw)),
                    ("height", &N(h)),
                    ("fill", fill),
                    ("stroke", &"#333"),
                    ("stroke-width", &0.6),
                    ("class", &class),
                    ("data-minutes", &minutes),
                ],
            );
            if words {
                s.label(
                    x + bw / 2.0,
                    bottom - h - 6.0,
                    "value",
                    "middle",
                    &hours_label(minutes),
                );
                s.label(x + bw / 2.0, bottom + 15.0, "tick", "middle", word);
            }
        }
        s.end();
        s.label(
            gx + gw / 2.0,
            bottom + if words { 32.0 } else { 16.0 },
            "tick week-label",
            "middle",
            &w.week,
        );
    }
    s.end();
    s.label(
        ml + (W - ml - mr) / 2.0,
        bottom + 50.0,
        "axis-title",
        "middle",
        match m.unit {
            BarUnit::Month => "Month",
            BarUnit::Year => "Year",
            BarUnit::Day | BarUnit::Week => "ISO week",
        },
    );
    finish(s, bottom + 60.0)
}

fn state_word(s: DayState) -> &'static str {
    match s {
        DayState::Rest => "rest day",
        s => s.word(),
    }
}

/// One calendar cell's shape for `state` at (x, y), size `c`: fill plus a mark, so that the
/// state reads without colour (✓ won, half filled partial, ✗ missed, dot rest).
fn cal_cell(s: &mut Svg, x: f64, y: f64, c: f64, state: DayState, class: &'static str) {
    let (fill, stroke, dash) = match state {
        DayState::Won => ("#1a7f37", "#1a7f37", ""),
        DayState::Partial => ("#c6ebd0", "#1a7f37", ""),
        DayState::Missed => ("#ffffff", "#cf222e", ""),
        DayState::Today => ("#ffffff", "#0072B2", "3 2"),
        DayState::Rest => ("#eeeeee", "#bbbbbb", ""),
        DayState::Future => ("#ffffff", "#cccccc", "2 2"),
        DayState::NoData => ("#f6f6f6", "#e4e4e4", ""),
    };
    s.empty(
        "rect",
        &[
            ("x", &N(x)),
            ("y", &N(y)),
            ("width", &N(c)),
            ("height", &N(c)),
            ("rx", &3),
            ("fill", &fill),
            ("stroke", &stroke),
            ("stroke-width", &1.2),
            ("stroke-dasharray", &dash),
            ("class", &class),
        ],
    );
    let p = |fx: f64, fy: f64| format!("{},{}", N(x + fx * c), N(y + fy * c));
    match state {
        DayState::Won => s.empty(
            "polyline",
            &[
                (
                    "points",
                    &format!("{} {} {}", p(0.24, 0.52), p(0.42, 0.7), p(0.76, 0.3)),
                ),
                ("fill", &"none"),
                ("stroke", &"#ffffff"),
                ("stroke-width", &2.2),
                ("class", &"mark"),
            ],
        ),
        DayState::Partial => s.empty(
            "polygon",
            &[
                (
                    "points",
                    &format!("{} {} {}", p(0.0, 1.0), p(1.0, 1.0), p(0.0, 0.0)),
                ),
                ("fill", &"#1a7f37"),
                ("class", &"mark"),
            ],
        ),
        DayState::Missed => {
            let d = format!(
                "M{} L{} M{} L{}",
                p(0.28, 0.28),
                p(0.72, 0.72),
                p(0.72, 0.28),
                p(0.28, 0.72)
            );
            s.empty(
                "path",
                &[
                    ("d", &d),
                    ("stroke", &"#cf222e"),
                    ("stroke-width", &1.8),
                    ("class", &"mark"),
                ],
            );
        }
        DayState::Rest => s.empty(
            "circle",
            &[
                ("cx", &N(x + c / 2.0)),
                ("cy", &N(y + c / 2.0)),
                ("r", &2),
                ("fill", &"#888888"),
                ("class", &"mark"),
            ],
        ),
        DayState::Today | DayState::Future | DayState::NoData => {}
    }
}

fn longest_marker(s: &mut Svg, x: f64, y: f64, c: f64, class: &'static str) {
    s.empty(
        "circle",
        &[
            ("cx", &N(x + c - 1.0)),
            ("cy", &N(y + 1.0)),
            ("r", &4),
            ("fill", &"#E69F00"),
            ("stroke", &"#333"),
            ("stroke-width", &0.8),
            ("class", &class),
        ],
    );
}

fn current_marker(s: &mut Svg, x: f64, y: f64, c: f64, class: &'static str) {
    s.empty(
        "rect",
        &[
            ("x", &N(x - 2.5)),
            ("y", &N(y - 2.5)),
            ("width", &N(c + 5.0)),
            ("height", &N(c + 5.0)),
            ("rx", &4),
            ("fill", &"none"),
            ("stroke", &"#111"),
            ("stroke-width", &2),
            ("class", &class),
        ],
    );
}

/// The time-block calendar: one column per week, Monday at the top, streaks marked.
pub fn calendar(c: &BlocksCalendar) -> String {
    let cell = 26.0;
    let gap = 6.0;
    let col = cell + gap;
    let (ml, top) = (64.0, 58.0);
    let weeks = c.weeks.len() as f64;
    let grid_w = ml + weeks * col;
    let width = grid_w.max(620.0) + 12.0;
    let mut s = Svg::new(
        "chart-calendar",
        "Time blocks per day, with streaks",
        &c.alt,
    );
    s.start("g", &[("class", &"cells")]);
    let names = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
    for (i, n) in names.iter().enumerate() {
        s.label(
            ml - 8.0,
            top + i as f64 * col + cell / 2.0 + 4.0,
            "tick",
            "end",
            n,
        );
    }
    let mut last_month = None;
    for (wi, w) in c.weeks.iter().enumerate() {
        let x = ml + wi as f64 * col;
        if last_month != Some(w.start.month()) {
            s.label(
                x,
                top - 22.0,
                "tick month",
                "start",
                &w.start.format("%b").to_string(),
            );
            last_month = Some(w.start.month());
        }
        s.label(
            x + cell / 2.0,
            top - 8.0,
            "tick",
            "middle",
            &w.start.day().to_string(),
        );
        for (di, d) in w.days.iter().enumerate() {
            let y = top + di as f64 * col;
            let date = d.date.to_string();
            let state = serde_json::to_value(d.state)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            s.start(
                "g",
                &[
                    ("class", &"calday"),
                    ("data-date", &date),
                    ("data-state", &state),
                ],
            );
            let mut tip = format!("{} {}: {}", d.date.format("%a"), date, state_word(d.state));
            if d.blocks_total > 0 {
                tip.push_str(&format!(", {} of {} blocks", d.blocks_done, d.blocks_total));
            }
            if d.current_streak {
                tip.push_str(", in the current streak");
            }
            if d.longest_streak {
                tip.push_str(", in the longest streak");
            }
            s.title(&tip);
            cal_cell(&mut s, x, y, cell, d.state, "day-cell");
            if d.current_streak {
                current_marker(&mut s, x, y, cell, "streak-current");
            }
            if d.longest_streak {
                longest_marker(&mut s, x, y, cell, "streak-longest");
            }
            s.end();
        }
    }
    s.end();
    s.label(
        ml,
        14.0,
        "axis-title",
        "start",
        "Weeks, by the date of their Monday",
    );
    s.vlabel(14.0, top + 3.5 * col, "axis-title", "Weekday");
    // Legend: two rows.
    let ly = top + 7.0 * col + 10.0;
    s.start("g", &[("class", &"legend")]);
    let states = [
        DayState::Won,
        DayState::Partial,
        DayState::Missed,
        DayState::Rest,
        DayState::Today,
        DayState::Future,
    ];
    let mut x = ml;
    for st in states {
        cal_cell(&mut s, x, ly, 16.0, st, "legend-cell");
        let word = state_word(st);
        s.label(x + 21.0, ly + 12.5, "legend-label", "start", word);
        x += 21.0 + CHAR_W * word.len() as f64 + 16.0;
    }
    let ly2 = ly + 26.0;
    cal_cell(&mut s, ml, ly2, 16.0, DayState::Won, "legend-cell");
    current_marker(&mut s, ml, ly2, 16.0, "legend-mark");
    s.label(
        ml + 24.0,
        ly2 + 12.5,
        "legend-label",
        "start",
        "current streak",
    );
    let x2 = ml + 24.0 + CHAR_W * 14.0 + 20.0;
    cal_cell(&mut s, x2, ly2, 16.0, DayState::Won, "legend-cell");
    longest_marker(&mut s, x2, ly2, 16.0, "legend-mark");
    s.label(
        x2 + 24.0,
        ly2 + 12.5,
        "legend-label",
        "start",
        "longest streak",
    );
    s.end();
    s.finish(width, ly2 + 26.0)
}

/// A bar for a table cell: `scale` (0..1) of the cell's width. Numbers only; hidden from
/// screen readers (the row's numbers say the same).
pub fn table_bar(class: &'static str, scale: f64, fill: &'static str) -> String {
    let w = (scale.clamp(0.0, 1.0) * 100.0).max(if scale > 0.0 { 0.5 } else { 0.0 });
    let mut s = String::new();
    s.push_str(
        "<svg class=\"tbar\" viewBox=\"0 0 100 10\" preserveAspectRatio=\"none\" \
         aria-hidden=\"true\" focusable=\"false\">",
    );
    s.push_str(&format!(
        "<rect class=\"{class}\" x=\"0\" y=\"0\" width=\"{}\" height=\"10\" fill=\"{fill}\"/></svg>",
        N(w)
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_have_at_most_six_ticks() {
        assert_eq!(axis(0), (15, 15));
        assert_eq!(axis(50), (15, 60));
        assert_eq!(axis(200), (60, 240));
        assert_eq!(axis(1095), (240, 1200));
        assert_eq!(axis(5495), (1440, 5760));
        assert_eq!(axis(100_000), (17280, 103_680));
        for m in [1, 59, 61, 359, 1000, 20_000, 1_000_000] {
            let (step, top) = axis(m);
            assert!(top >= m && top / step <= 6, "{m}: {step} {top}");
        }
    }

    #[test]
    fn tick_labels_are_short() {
        assert_eq!(tick_label(0), "0m");
        assert_eq!(tick_label(45), "45m");
        assert_eq!(tick_label(180), "3h");
        assert_eq!(tick_label(150), "2.5h");
        assert_eq!(tick_label(75), "1.25h");
    }

    #[test]
    fn heat_colours_run_light_to_dark() {
        assert_eq!(heat_colour(0, 10), "#f3f3f3");
        assert_eq!(heat_colour(10, 10), "#08306b");
        assert_eq!(heat_colour(1, 0), "#f3f3f3");
    }
}
