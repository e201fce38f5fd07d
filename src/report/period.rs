//! The period a report covers: resolved from the command-line options and a "today".

use chrono::{Datelike, Duration, Months, NaiveDate, Weekday};
use serde::Serialize;

/// The period options as the user gave them, unparsed.
#[derive(Debug, Clone, Default)]
pub struct PeriodSpec {
    pub from: Option<String>,
    pub to: Option<String>,
    /// `3d`, `2w`, `1m`: that many days, weeks or months ending today.
    pub last: Option<String>,
    /// `Some(None)`: the ISO week holding today; `Some(Some("2026-W48"))`: that week.
    pub week: Option<Option<String>>,
    /// `Some(None)`: the month holding today; `Some(Some("2026-11"))`: that month.
    pub month: Option<Option<String>>,
}

/// Inclusive bounds; `None` means unbounded (the report then uses the span of the notes).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Period {
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("--{option} `{value}` is not a date; write it as YYYY-MM-DD, e.g. 2026-11-24")]
    BadDate { option: &'static str, value: String },
    #[error(
        "--last `{value}` is not a length of time; write a whole number followed by d (days), \
         w (weeks) or m (months), e.g. 3d, 2w or 1m"
    )]
    BadLast { value: String },
    #[error(
        "--week `{value}` is not an ISO week; write it as YYYY-Www, e.g. 2026-W48, \
         or give --week alone for the current week"
    )]
    BadWeek { value: String },
    #[error(
        "--month `{value}` is not a month; write it as YYYY-MM, e.g. 2026-11, \
         or give --month alone for the current month"
    )]
    BadMonth { value: String },
    #[error(
        "--{first} and --{second} both choose the period; give only one of --from/--to, \
         --last, --week and --month"
    )]
    Conflict {
        first: &'static str,
        second: &'static str,
    },
    #[error("the period is empty: --from {from} is after --to {to}")]
    Reversed { from: NaiveDate, to: NaiveDate },
    #[error("--{option} `{value}` is out of the range of dates mdtasks can handle")]
    OutOfRange { option: &'static str, value: String },
}

fn parse_date(option: &'static str, value: &str) -> Result<NaiveDate, PeriodError> {
    NaiveDate::parse_from_str(value.trim(), "%Y-%m-%d").map_err(|_| PeriodError::BadDate {
        option,
        value: value.to_string(),
    })
}

fn parse_last(value: &str, today: NaiveDate) -> Result<NaiveDate, PeriodError> {
    let bad = || PeriodError::BadLast {
        value: value.to_string(),
    };
    let v = value.trim().to_ascii_lowercase();
    if v.len() < 2 || !v.is_ascii() {
        return Err(bad());
    }
    let (num, unit) = v.split_at(v.len() - 1);
    let n: u32 = num.parse().map_err(|_| bad())?;
    if n == 0 {
        return Err(bad());
    }
    let out = || PeriodError::OutOfRange {
        option: "last",
        value: value.to_string(),
    };
    let from = match unit {
        "d" => today.checked_sub_signed(Duration::days(i64::from(n) - 1)),
        "w" => today.checked_sub_signed(Duration::days(i64::from(n) * 7 - 1)),
        "m" => today
            .checked_sub_months(Months::new(n))
            .and_then(|d| d.succ_opt()),
        _ => return Err(bad()),
    };
    from.ok_or_else(out)
}

fn parse_week(value: &str) -> Result<NaiveDate, PeriodError> {
    let bad = || PeriodError::BadWeek {
        value: value.to_string(),
    };
    let v = value.trim();
    let (y, w) = v.split_once('-').ok_or_else(bad)?;
    let w = w
        .strip_prefix('W')
        .or_else(|| w.strip_prefix('w'))
        .ok_or_else(bad)?;
    if y.len() != 4 || !(1..=2).contains(&w.len()) {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let week: u32 = w.parse().map_err(|_| bad())?;
    NaiveDate::from_isoywd_opt(year, week, Weekday::Mon).ok_or_else(bad)
}

fn parse_month(value: &str) -> Result<NaiveDate, PeriodError> {
    let bad = || PeriodError::BadMonth {
        value: value.to_string(),
    };
    let v = value.trim();
    let (y, m) = v.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || !(1..=2).contains(&m.len()) {
        return Err(bad());
    }
    let year: i32 = y.parse().map_err(|_| bad())?;
    let month: u32 = m.parse().map_err(|_| bad())?;
    NaiveDate::from_ymd_opt(year, month, 1).ok_or_else(bad)
}

fn month_end(first: NaiveDate) -> NaiveDate {
    first
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

impl Period {
    /// An unbounded period: every note.
    pub const ALL: Period = Period {
        from: None,
        to: None,
    };

    pub fn resolve(spec: &PeriodSpec, today: NaiveDate) -> Result<Period, PeriodError> {
        let mut chosen: Vec<&'static str> = Vec::new();
        if spec.from.is_some() {
            chosen.push("from");
        }
        if spec.to.is_some() && spec.from.is_none() {
            chosen.push("to");
        }
        if spec.last.is_some() {
            chosen.push("last");
        }
        if spec.week.is_some() {
            chosen.push("week");
        }
        if spec.month.is_some() {
            chosen.push("month");
        }
        if let [first, second, ..] = chosen[..] {
            return Err(PeriodError::Conflict { first, second });
        }
        if let Some(last) = &spec.last {
            let from = parse_last(last, today)?;
            return Ok(Period {
                from: Some(from),
                to: Some(today),
            });
        }
        if let Some(week) = &spec.week {
            let monday = match week {
                Some(w) => parse_week(w)?,
                None => {
                    let iw = today.iso_week();
                    NaiveDate::from_isoywd_opt(iw.year(), iw.week(), Weekday::Mon).unwrap_or(today)
                }
            };
            return Ok(Period {
                from: Some(monday),
                to: Some(monday + Duration::days(6)),
            });
        }
        if let Some(month) = &spec.month {
            let first = match month {
                Some(m) => parse_month(m)?,
                None => today.with_day(1).unwrap_or(today),
            };
            return Ok(Period {
                from: Some(first),
                to: Some(month_end(first)),
            });
        }
        let from = spec
            .from
            .as_deref()
            .map(|v| parse_date("from", v))
            .transpose()?;
        let to = spec
            .to
            .as_deref()
            .map(|v| parse_date("to", v))
            .transpose()?;
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(PeriodError::Reversed { from: f, to: t });
        }
        Ok(Period { from, to })
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|f| d >= f) && self.to.is_none_or(|t| d <= t)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn p(from: &str, to: &str) -> Period {
        Period {
            from: Some(d(from)),
            to: Some(d(to)),
        }
    }

    const TODAY: &str = "2026-11-25"; // a Wednesday

    fn resolve(spec: PeriodSpec) -> Result<Period, PeriodError> {
        Period::resolve(&spec, d(TODAY))
    }

    #[test]
    fn default_is_unbounded() {
        let r = resolve(PeriodSpec::default()).unwrap();
        assert_eq!(r, Period::ALL);
        assert!(r.contains(d("1999-01-01")));
    }

    #[test]
    fn from_and_to() {
        let r = resolve(PeriodSpec {
            from: Some("2026-11-10".into()),
            to: Some("2026-11-12".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(r, p("2026-11-10", "2026-11-12"));
        assert!(r.contains(d("2026-11-10")) && r.contains(d("2026-11-12")));
        assert!(!r.contains(d("2026-11-13")) && !r.contains(d("2026-11-09")));
        let only_from = resolve(PeriodSpec {
            from: Some("2026-11-10".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(only_from.to, None);
        assert!(only_from.contains(d("2030-01-01")));
        let only_to = resolve(PeriodSpec {
            to: Some("2026-11-10".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(only_to.from, None);
    }

    #[test]
    fn last() {
        let last = |s: &str| {
            resolve(PeriodSpec {
                last: Some(s.into()),
                ..Default::default()
            })
        };
        assert_eq!(last("3d").unwrap(), p("2026-11-23", "2026-11-25"));
        assert_eq!(last("1d").unwrap(), p("2026-11-25", "2026-11-25"));
        assert_eq!(last("2w").unwrap(), p("2026-11-12", "2026-11-25"));
        assert_eq!(last("1m").unwrap(), p("2026-10-26", "2026-11-25"));
        assert_eq!(last("1M").unwrap(), p("2026-10-26", "2026-11-25"));
        for bad in ["", "d", "0d", "3", "3y", "-3d", "3.5d", "three d"] {
            let e = last(bad).unwrap_err();
            assert!(matches!(e, PeriodError::BadLast { .. }), "{bad}: {e}");
            assert!(e.to_string().contains("3d, 2w or 1m"));
        }
    }

    #[test]
    fn week() {
        let week = |s: Option<&str>| {
            resolve(PeriodSpec {
                week: Some(s.map(String::from)),
                ..Default::default()
            })
        };
        assert_eq!(week(None).unwrap(), p("2026-11-23", "2026-11-29"));
        assert_eq!(
            week(Some("2026-W48")).unwrap(),
            p("2026-11-23", "2026-11-29")
        );
        assert_eq!(
            week(Some("2026-w1")).unwrap(),
            p("2025-12-29", "2026-01-04")
        );
        for bad in ["2026-W54", "2026W48", "2026-48", "26-W48", "2026-W"] {
            let e = week(Some(bad)).unwrap_err();
            assert!(matches!(e, PeriodError::BadWeek { .. }), "{bad}: {e}");
            assert!(e.to_string().contains("YYYY-Www"));
        }
    }

    #[test]
    fn month() {
        let month = |s: Option<&str>| {
            resolve(PeriodSpec {
                month: Some(s.map(String::from)),
                ..Default::default()
            })
        };
        assert_eq!(month(None).unwrap(), p("2026-11-01", "2026-11-30"));
        assert_eq!(
            month(Some("2024-02")).unwrap(),
            p("2024-02-01", "2024-02-29")
        );
        assert_eq!(
            month(Some("2026-12")).unwrap(),
            p("2026-12-01", "2026-12-31")
        );
        for bad in ["2026-13", "2026", "2026-11-01", "Nov"] {
            let e = month(Some(bad)).unwrap_err();
            assert!(matches!(e, PeriodError::BadMonth { .. }), "{bad}: {e}");
            assert!(e.to_string().contains("YYYY-MM"));
        }
    }

    #[test]
    fn errors() {
        let e = resolve(PeriodSpec {
            from: Some("24.11.2026".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(
            e,
            PeriodError::BadDate {
                option: "from",
                value: "24.11.2026".into()
            }
        );
        assert!(e.to_string().contains("YYYY-MM-DD"));
        let e = resolve(PeriodSpec {
            from: Some("2026-11-12".into()),
            to: Some("2026-11-10".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert!(matches!(e, PeriodError::Reversed { .. }));
        let e = resolve(PeriodSpec {
            week: Some(None),
            last: Some("3d".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(
            e,
            PeriodError::Conflict {
                first: "last",
                second: "week"
            }
        );
        assert!(e.to_string().contains("give only one"));
        let e = resolve(PeriodSpec {
            to: Some("2026-11-10".into()),
            month: Some(None),
            ..Default::default()
        })
        .unwrap_err();
        assert!(matches!(e, PeriodError::Conflict { .. }), "{e}");
        let e = resolve(PeriodSpec {
            from: Some("2026-11-10".into()),
            to: Some("2026-11-12".into()),
            month: Some(None),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(
            e,
            PeriodError::Conflict {
                first: "from",
                second: "month"
            }
        );
    }
}
