//! Real cities (GeoNames `cities15000`) and population-weighted sampling.
//!
//! The file is CSV with a header line: `geonameid,name,country,lat,lon,population,timezone`.
//! Names that contain commas are double-quoted (`"Misato, Saitama"`); quotes inside a quoted
//! field are doubled.

use crate::rng::SimRng;
use std::path::Path;

/// One city.
#[derive(Clone, Debug, PartialEq)]
pub struct City {
    /// GeoNames id.
    pub geonameid: u64,
    /// Name.
    pub name: String,
    /// ISO country code.
    pub country: String,
    /// Latitude, degrees.
    pub lat: f64,
    /// Longitude, degrees.
    pub lng: f64,
    /// Population.
    pub population: u64,
}

impl City {
    /// (latitude, longitude) in degrees.
    pub const fn position(&self) -> (f64, f64) {
        (self.lat, self.lng)
    }
}

/// Why a city file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum CitiesError {
    /// The file could not be read.
    #[error("cannot read city file {path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The cause.
        source: std::io::Error,
    },
    /// A line is not a city.
    #[error("city file line {line}: {reason}")]
    Parse {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The file holds no city.
    #[error("city file {0} holds no cities")]
    Empty(String),
}

/// Reads a `cities15000.csv`-format file.
pub fn load(path: &Path) -> Result<Vec<City>, CitiesError> {
    let text = std::fs::read_to_string(path).map_err(|source| CitiesError::Io {
        path: path.display().to_string(),
        source,
    })?;
    let cities = parse(&text)?;
    if cities.is_empty() {
        return Err(CitiesError::Empty(path.display().to_string()));
    }
    Ok(cities)
}

/// Parses the CSV text (header line first).
pub fn parse(text: &str) -> Result<Vec<City>, CitiesError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        if line.trim().is_empty() {
            continue;
        }
        let err = |reason: String| CitiesError::Parse {
            line: i + 1,
            reason,
        };
        let fields = split_csv(line).map_err(|r| err(r.into()))?;
        if fields.len() < 6 {
            return Err(err(format!("expected 7 fields, found {}", fields.len())));
        }
        let num = |k: usize, what: &str| -> Result<f64, CitiesError> {
            fields[k]
                .parse::<f64>()
                .ok()
                .filter(|v| v.is_finite())
                .ok_or_else(|| err(format!("{what} {:?} is not a number", fields[k])))
        };
        let lat = num(3, "latitude")?;
        let lng = num(4, "longitude")?;
        if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lng) {
            return Err(err(format!("coordinates ({lat}, {lng}) out of range")));
        }
        out.push(City {
            geonameid: fields[0]
                .parse()
                .map_err(|_| err(format!("geonameid {:?} is not an integer", fields[0])))?,
            name: fields[1].clone(),
            country: fields[2].clone(),
            lat,
            lng,
            population: fields[5]
                .parse()
                .map_err(|_| err(format!("population {:?} is not an integer", fields[5])))?,
        });
    }
    Ok(out)
}

fn split_csv(line: &str) -> Result<Vec<String>, &'static str> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                field.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => fields.push(core::mem::take(&mut field)),
            (false, c) => field.push(c),
        }
    }
    if quoted {
        return Err("unterminated quoted field");
    }
    fields.push(field);
    Ok(fields)
}

/// `k` distinct cities drawn with probability proportional to population (Efraimidis-Spirakis
/// weighted sampling without replacement), in draw order (largest key first). Cities with no
/// population are never drawn.
///
/// # Panics
/// If fewer than `k` cities have a population.
pub fn sample_weighted(cities: &[City], k: usize, rng: &mut SimRng) -> Vec<usize> {
    // key = ln(u) / w: the k largest keys are a weighted sample without replacement.
    let mut keyed: Vec<(f64, usize)> = cities
        .iter()
        .enumerate()
        .filter(|(_, c)| c.population > 0)
        .map(|(i, c)| {
            // Populations are below 2^53: exact.
            #[allow(clippy::cast_precision_loss)]
            let w = c.population as f64;
            let u = 1.0 - rng.unit();
            (u.ln() / w, i)
        })
        .collect();
    assert!(
        keyed.len() >= k,
        "asked for {k} cities, only {} have a population",
        keyed.len()
    );
    keyed.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
    keyed.truncate(k);
    keyed.into_iter().map(|(_, i)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "geonameid,name,country,lat,lon,population,timezone\n\
        1796236,Shanghai,CN,31.22222,121.45806,24874500,Asia/Shanghai\n\
        6822137,\"Misato, Saitama\",JP,35.84373,139.88347,142145,Asia/Tokyo\n\
        1,\"Say \"\"hi\"\"\",XX,0,0,0,UTC\n";

    #[test]
    fn parses_quoted_names_with_commas_and_doubled_quotes() {
        let c = parse(SAMPLE).unwrap();
        assert_eq!(c.len(), 3);
        assert_eq!(c[1].name, "Misato, Saitama");
        assert_eq!(c[1].population, 142_145);
        assert_eq!(c[2].name, "Say \"hi\"");
        assert!((c[0].lng - 121.458_06).abs() < 1e-9);
    }

    #[test]
    fn rejects_a_bad_latitude_with_its_line_number() {
        let text = "h\n1,A,XX,north,0,5,UTC\n";
        let e = parse(text).unwrap_err().to_string();
        assert!(e.contains("line 2") && e.contains("latitude"), "{e}");
    }

    #[test]
    fn weighted_sampling_prefers_large_cities_and_skips_empty_ones() {
        let cities = parse(SAMPLE).unwrap();
        let mut first_shanghai = 0;
        for s in 0..200 {
            let picked = sample_weighted(&cities, 2, &mut SimRng::new(s));
            assert!(!picked.contains(&2), "a city with no population was drawn");
            if picked[0] == 0 {
                first_shanghai += 1;
            }
        }
        assert!(first_shanghai > 190, "{first_shanghai}");
    }
}
