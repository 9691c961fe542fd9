//! What a language's strings cannot say in a TOML file: CLDR's cardinal
//! plural rules, and numbers written with the separators the strings give.
//!
//! The plural rules are those of CLDR (unicode.org/cldr, "Language Plural
//! Rules") for the numbers a site shows: integers and decimals written
//! without exponent. `i` is the integer part, `v` the count of visible
//! decimals.

/// A CLDR plural category (those the theme's languages use).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluralCategory {
    One,
    /// French, Spanish, Italian and Portuguese: whole millions
    /// ("1 000 000 de visiteurs").
    Many,
    Other,
}

/// The plural category of `n` written with `v` decimals, in `lang`.
pub fn plural_category(lang: &str, n: f64, v: usize) -> PluralCategory {
    let base = lang.split(['-', '_']).next().unwrap_or(lang);
    let n = n.abs();
    let i = n.trunc();
    let one = match base {
        // i = 0,1: "0 photo", "1,5 kilomètre"; Brazilian Portuguese too.
        "fr" => i == 0.0 || i == 1.0,
        "pt" if !matches!(lang, "pt-PT" | "pt_PT") => i == 0.0 || i == 1.0,
        // n = 1, so "1,0 kilómetro" as well.
        "es" => n == 1.0,
        // No plural forms.
        "ja" | "zh" | "ko" | "vi" | "th" | "id" | "ms" => false,
        // English, German, Dutch, Italian and most others: i = 1 and v = 0.
        _ => i == 1.0 && v == 0,
    };
    let whole_million = v == 0 && i != 0.0 && i % 1_000_000.0 == 0.0;
    if one {
        PluralCategory::One
    } else if whole_million && matches!(base, "fr" | "es" | "it" | "pt" | "ca") {
        PluralCategory::Many
    } else {
        PluralCategory::Other
    }
}

/// How a language writes numbers: "1 234,5" (French, U+202F between groups),
/// "1,234.5" (English), "1.234,5" (German, Dutch, Italian), "1234,5" but
/// "12.345,5" (Spanish: CLDR's minimumGroupingDigits = 2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    pub decimal: String,
    pub group: String,
    /// Groups are separated only when the integer part has at least
    /// 3 + this many digits.
    pub min_grouping_digits: usize,
}

impl Default for NumberFormat {
    fn default() -> Self {
        NumberFormat {
            decimal: ".".into(),
            group: ",".into(),
            min_grouping_digits: 1,
        }
    }
}

impl NumberFormat {
    /// `n` with `decimals` decimals (rounded), or as few as it needs when
    /// `None` (an integer has none). Also returns how many decimals it shows,
    /// for [`plural_category`].
    pub fn format(&self, n: f64, decimals: Option<usize>) -> (String, usize) {
        if !n.is_finite() {
            return (n.to_string(), 0);
        }
        let plain = match decimals {
            Some(d) => format!("{:.*}", d.min(20), n),
            None => n.to_string(),
        };
        let (sign, digits) = match plain.strip_prefix('-') {
            // "-0" and "-0.0" are zero.
            Some(rest) if rest.bytes().any(|b| (b'1'..=b'9').contains(&b)) => ("-", rest),
            Some(rest) => ("", rest),
            None => ("", plain.as_str()),
        };
        let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
        let mut out = String::with_capacity(plain.len() + 8);
        out.push_str(sign);
        let grouped = int.len() >= 3 + self.min_grouping_digits.max(1);
        for (k, d) in int.char_indices() {
            if grouped && k > 0 && (int.len() - k) % 3 == 0 {
                out.push_str(&self.group);
            }
            out.push(d);
        }
        if !frac.is_empty() {
            out.push_str(&self.decimal);
            out.push_str(frac);
        }
        (out, frac.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PluralCategory::*;

    #[test]
    fn plural_categories_per_language() {
        let cat = |lang, n| plural_category(lang, n, 0);
        // French: one for 0 and 1, and for 1.5 (its integer part is 1).
        assert_eq!(
            [cat("fr", 0.0), cat("fr", 1.0), cat("fr", 2.0)],
            [One, One, Other]
        );
        assert_eq!(plural_category("fr", 1.5, 1), One);
        assert_eq!(plural_category("fr-CA", 2.5, 1), Other);
        for lang in ["en", "de", "nl", "it", "es"] {
            assert_eq!(cat(lang, 0.0), Other, "{lang} 0");
            assert_eq!(cat(lang, 1.0), One, "{lang} 1");
            assert_eq!(cat(lang, 2.0), Other, "{lang} 2");
            assert_eq!(plural_category(lang, 1.5, 1), Other, "{lang} 1.5");
        }
        // "1.0 mile" is other in English, "1,0 kilómetro" one in Spanish.
        assert_eq!(plural_category("en", 1.0, 1), Other);
        assert_eq!(plural_category("es", 1.0, 1), One);
        // Whole millions.
        assert_eq!(cat("fr", 2_000_000.0), Many);
        assert_eq!(cat("es", 1_000_000.0), Many);
        assert_eq!(cat("it", 3_000_000.0), Many);
        assert_eq!(cat("en", 1_000_000.0), Other);
        assert_eq!(cat("fr", 1_500_000.0), Other);
        assert_eq!(cat("ja", 1.0), Other);
        assert_eq!(cat("fr", -1.0), One);
    }

    fn fmt(decimal: &str, group: &str, min: usize) -> NumberFormat {
        NumberFormat {
            decimal: decimal.into(),
            group: group.into(),
            min_grouping_digits: min,
        }
    }

    #[test]
    fn numbers_per_language() {
        let fr = fmt(",", "\u{202F}", 1);
        let en = NumberFormat::default();
        let de = fmt(",", ".", 1);
        let es = fmt(",", ".", 2);
        let f = |nf: &NumberFormat, n: f64, d: Option<usize>| nf.format(n, d).0;
        assert_eq!(f(&fr, 1234.5, None), "1\u{202F}234,5");
        assert_eq!(f(&en, 1234.5, None), "1,234.5");
        assert_eq!(f(&de, 1234.5, None), "1.234,5");
        assert_eq!(f(&es, 1234.5, None), "1234,5");
        assert_eq!(f(&es, 12345.5, None), "12.345,5");
        assert_eq!(f(&en, 1234567.0, None), "1,234,567");
        assert_eq!(f(&en, 999.0, None), "999");
        assert_eq!(f(&de, 12.0, Some(2)), "12,00");
        assert_eq!(f(&fr, 2.345, Some(1)), "2,3");
        assert_eq!(f(&en, -1234.0, None), "-1,234");
        assert_eq!(f(&en, -0.04, Some(1)), "0.0");
        assert_eq!(en.format(1.50, Some(2)), ("1.50".into(), 2));
        assert_eq!(en.format(7.0, None), ("7".into(), 0));
    }
}
