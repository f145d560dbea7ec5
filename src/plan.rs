//! The plan sections of a version 2 scope: who signs off on what, the risks
//! and their escalation paths, and the value metrics with their baselines.
//! Read from `poc.yaml` with their locations and validated here; the scope
//! holds the result.

use std::fmt;

use schemars::JsonSchema;
use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::error::Error;
use crate::scope::{IdRegistry, Side};

/// What a sign-off approves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Covers {
    /// The plan agreed at kickoff.
    Scope,
    /// The POC's result: a win needs it.
    Final,
    /// These success criteria's results.
    Criteria(Vec<String>),
}

impl Covers {
    /// "the scope", "the final result", "SC2, SC3".
    pub fn text(&self) -> String {
        match self {
            Covers::Scope => "the scope".to_string(),
            Covers::Final => "the final result".to_string(),
            Covers::Criteria(ids) => ids.join(", "),
        }
    }

    /// "scope", "final", "SC2, SC3": the short form, in lists.
    pub fn label(&self) -> String {
        match self {
            Covers::Scope => "scope".to_string(),
            Covers::Final => "final".to_string(),
            Covers::Criteria(ids) => ids.join(", "),
        }
    }
}

/// A person's approval the plan asks for.
#[derive(Debug, Clone, Serialize)]
pub struct Signoff {
    pub id: String,
    pub role: String,
    pub name: String,
    pub side: Side,
    pub covers: Covers,
    #[serde(skip)]
    pub line: usize,
}

/// Low, medium or high: a risk's likelihood and its impact.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Low,
    Medium,
    High,
}

impl Level {
    pub fn id(self) -> &'static str {
        match self {
            Level::Low => "low",
            Level::Medium => "medium",
            Level::High => "high",
        }
    }

    /// 1 to 3, for ranking by likelihood × impact.
    pub fn weight(self) -> u32 {
        self as u32 + 1
    }

    /// A risk's score: likelihood × impact, 1 to 9.
    pub fn score(likelihood: Level, impact: Level) -> u32 {
        likelihood.weight() * impact.weight()
    }
}

/// Who to escalate to once a risk has been triggered (or a blocker open)
/// for `after_days` days.
#[derive(Debug, Clone, Serialize)]
pub struct Escalation {
    pub after_days: u32,
    pub to: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    pub id: String,
    pub title: String,
    pub likelihood: Level,
    pub impact: Level,
    pub owner: Option<String>,
    pub mitigation: Option<String>,
    pub contingency: Option<String>,
    /// The early sign that it is happening.
    pub watch: Option<String>,
    pub escalation: Vec<Escalation>,
    #[serde(skip)]
    pub line: usize,
}

impl Risk {
    /// Likelihood × impact, 1 to 9.
    pub fn score(&self) -> u32 {
        Level::score(self.likelihood, self.impact)
    }
}

/// The value stream a metric speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Stream {
    Time,
    Cost,
    Revenue,
    Risk,
}

/// Which way is an improvement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Better {
    Higher,
    Lower,
}

#[derive(Debug, Clone, Serialize)]
pub struct Metric {
    pub id: String,
    pub title: String,
    pub stream: Stream,
    pub unit: Option<String>,
    pub baseline: f64,
    pub target: f64,
    pub better: Better,
    /// A regular expression whose first group reads the value from a
    /// `measure --run` command's output.
    pub capture: Option<String>,
    #[serde(skip)]
    pub line: usize,
}

/// Whether a metric's value meets its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MetricVerdict {
    #[serde(rename = "met")]
    Met,
    #[serde(rename = "not met")]
    NotMet,
    #[serde(rename = "not measured")]
    NotMeasured,
}

impl MetricVerdict {
    /// "met", "not met" or "not measured", as every view says it.
    pub fn id(self) -> &'static str {
        match self {
            MetricVerdict::Met => "met",
            MetricVerdict::NotMet => "not met",
            MetricVerdict::NotMeasured => "not measured",
        }
    }
}

impl std::fmt::Display for MetricVerdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

impl Metric {
    /// Whether `value` meets the target.
    pub fn met_by(&self, value: f64) -> bool {
        match self.better {
            Better::Higher => value >= self.target,
            Better::Lower => value <= self.target,
        }
    }

    /// Met or not met by `value`, or not measured without one.
    pub fn judge(&self, value: Option<f64>) -> MetricVerdict {
        match value.map(|v| self.met_by(v)) {
            Some(true) => MetricVerdict::Met,
            Some(false) => MetricVerdict::NotMet,
            None => MetricVerdict::NotMeasured,
        }
    }

    /// The metric with the target and direction a measurement recorded
    /// (the scope's where it recorded none).
    pub fn judged_by(&self, target: Option<f64>, better: Option<Better>) -> Metric {
        Metric {
            target: target.unwrap_or(self.target),
            better: better.unwrap_or(self.better),
            ..self.clone()
        }
    }

    /// Whether a measurement judged against `target` and `better` was
    /// judged against another target than the scope's now.
    pub fn target_changed(&self, target: Option<f64>, better: Option<Better>) -> bool {
        target.is_some_and(|t| t != self.target) || better.is_some_and(|b| b != self.better)
    }

    /// The improvement over the baseline, in percent of it (positive is
    /// better); none when the baseline is 0.
    pub fn improvement_percent(&self, value: f64) -> Option<f64> {
        if self.baseline == 0.0 {
            return None;
        }
        let change = (value - self.baseline) / self.baseline.abs() * 100.0;
        // A value near f64's limits can overflow to infinity.
        change.is_finite().then_some(match self.better {
            Better::Higher => change,
            Better::Lower => -change,
        })
    }
}

// --- As written, with locations. ---

/// A sign-off the plan asks for: who approves what.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Signoff")]
pub(crate) struct RawSignoff {
    /// Its ID, typed on the command line (`poc signoff SO1`); unique in the
    /// file.
    #[schemars(with = "String", pattern(crate::schema::ID_PATTERN))]
    id: Spanned<String>,
    /// The approver's role.
    role: String,
    /// The approver's name.
    name: String,
    /// Whose side the approver is on (default customer).
    #[serde(default)]
    side: Side,
    /// What it approves: `scope` (the plan agreed at kickoff), `final` (the
    /// POC's result: a win needs it) or a list of success criterion IDs.
    #[schemars(with = "RawCovers")]
    covers: Spanned<RawCovers>,
}

pub(crate) enum RawCovers {
    Word(String),
    Criteria(Vec<Spanned<String>>),
}

impl<'de> Deserialize<'de> for RawCovers {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct CoversVisitor;
        impl<'de> Visitor<'de> for CoversVisitor {
            type Value = RawCovers;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("`scope`, `final` or a list of success criterion IDs")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawCovers, E> {
                Ok(RawCovers::Word(v.to_string()))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawCovers, A::Error> {
                let mut ids = Vec::new();
                while let Some(id) = seq.next_element::<Spanned<String>>()? {
                    ids.push(id);
                }
                Ok(RawCovers::Criteria(ids))
            }
        }
        deserializer.deserialize_any(CoversVisitor)
    }
}

/// `scope`, `final`, or a non-empty list of criterion IDs.
impl JsonSchema for RawCovers {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Covers".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "oneOf": [
                {"type": "string", "enum": ["scope", "final"]},
                {
                    "type": "array",
                    "items": {"type": "string", "pattern": crate::schema::ID_PATTERN},
                    "minItems": 1,
                },
            ]
        })
    }
}

/// A risk to the POC.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Risk")]
pub(crate) struct RawRisk {
    /// Its ID (`poc risk R1 --status triggered`); unique in the file.
    #[schemars(with = "String", pattern(crate::schema::ID_PATTERN))]
    id: Spanned<String>,
    /// What could go wrong.
    title: String,
    /// How likely it is.
    likelihood: Level,
    /// How much it would hurt.
    impact: Level,
    /// Who watches it.
    #[serde(default)]
    owner: Option<String>,
    /// What is done now to make it less likely.
    #[serde(default)]
    mitigation: Option<String>,
    /// What is done if it happens.
    #[serde(default)]
    contingency: Option<String>,
    /// The sign that it is happening.
    #[serde(default)]
    watch: Option<String>,
    /// Who to escalate to, and after how many days triggered.
    #[serde(default)]
    escalation: Vec<RawEscalation>,
}

/// An escalation step of a triggered risk.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Escalation")]
pub(crate) struct RawEscalation {
    /// Days after the risk is triggered.
    after_days: u32,
    /// Who to escalate to.
    #[schemars(with = "String", pattern(crate::schema::NOT_BLANK_PATTERN))]
    to: Spanned<String>,
}

/// A value metric: a number the POC moves from a baseline to a target.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Metric")]
pub(crate) struct RawMetric {
    /// Its ID (`poc measure M1 1.8`); unique in the file.
    #[schemars(with = "String", pattern(crate::schema::ID_PATTERN))]
    id: Spanned<String>,
    /// What is measured.
    title: String,
    /// The value stream it speaks to.
    stream: Stream,
    /// The unit of the values, such as min or ms.
    #[serde(default)]
    unit: Option<String>,
    /// The value before the POC.
    baseline: f64,
    /// The value to reach.
    target: f64,
    /// Which way is an improvement.
    #[schemars(with = "Better")]
    better: Spanned<Better>,
    /// A regular expression whose first group reads the value from the
    /// output of `poc measure ID --run COMMAND`.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    capture: Option<Spanned<String>>,
}

/// Where errors point (the file) and the scope's IDs, kept unique.
pub(crate) struct Check<'a> {
    pub file: &'a str,
    pub ids: &'a mut IdRegistry,
}

impl Check<'_> {
    fn at(&self, loc: &serde_saphyr::Location, message: impl fmt::Display) -> Error {
        crate::scope::error_at(self.file, loc, message)
    }

    fn register(&mut self, id: &Spanned<String>) -> Result<String, Error> {
        self.ids.register(id, self.file)
    }
}

impl RawSignoff {
    /// `criteria` are the scope's success criterion IDs.
    pub(crate) fn validate(self, check: &mut Check, criteria: &[&str]) -> Result<Signoff, Error> {
        let covers = match self.covers.value {
            RawCovers::Word(w) if w == "scope" => Covers::Scope,
            RawCovers::Word(w) if w == "final" => Covers::Final,
            RawCovers::Word(w) => {
                return Err(check.at(
                    &self.covers.referenced,
                    format!(
                        "`covers` is `{}`; it is `scope`, `final` or a list of success criterion IDs such as [SC1, SC2]",
                        crate::text::terminal_safe(&w)
                    ),
                ));
            }
            RawCovers::Criteria(ids) if ids.is_empty() => {
                return Err(check.at(
                    &self.covers.referenced,
                    "`covers` is an empty list; name the success criteria this sign-off approves, or use `scope` or `final`",
                ));
            }
            RawCovers::Criteria(ids) => Covers::Criteria(covered(check, &ids, criteria)?),
        };
        Ok(Signoff {
            id: check.register(&self.id)?,
            line: self.id.referenced.line() as usize,
            role: self.role,
            name: self.name,
            side: self.side,
            covers,
        })
    }
}

/// The criteria a sign-off covers: each known, and named once.
fn covered(
    check: &Check,
    ids: &[Spanned<String>],
    criteria: &[&str],
) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for id in ids {
        let known = known_criterion(check, id, criteria)?;
        if out.contains(&known) {
            return Err(check.at(
                &id.referenced,
                format!("`covers` names {known} twice; name each criterion once"),
            ));
        }
        out.push(known);
    }
    Ok(out)
}

fn known_criterion(
    check: &Check,
    id: &Spanned<String>,
    criteria: &[&str],
) -> Result<String, Error> {
    let value = id.value.trim();
    if criteria.contains(&value) {
        return Ok(value.to_string());
    }
    Err(check.at(
        &id.referenced,
        format!(
            "unknown success criterion `{}`{}",
            crate::text::terminal_safe(value),
            crate::error::did_you_mean(value, criteria.iter().copied())
        ),
    ))
}

impl RawRisk {
    pub(crate) fn validate(self, check: &mut Check) -> Result<Risk, Error> {
        let escalation = (self.escalation.into_iter())
            .map(|e| {
                let to = e.to.value.trim();
                if to.is_empty() {
                    return Err(check.at(
                        &e.to.referenced,
                        "an escalation goes to someone: `to` is empty",
                    ));
                }
                Ok(Escalation {
                    after_days: e.after_days,
                    to: to.to_string(),
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(Risk {
            id: check.register(&self.id)?,
            line: self.id.referenced.line() as usize,
            title: self.title,
            likelihood: self.likelihood,
            impact: self.impact,
            owner: self.owner,
            mitigation: self.mitigation,
            contingency: self.contingency,
            watch: self.watch,
            escalation,
        })
    }
}

impl RawMetric {
    pub(crate) fn validate(self, check: &mut Check) -> Result<Metric, Error> {
        let better = self.better.value;
        let (baseline, target) = (self.baseline, self.target);
        if !baseline.is_finite() || !target.is_finite() {
            return Err(check.at(
                &self.id.referenced,
                "`baseline` and `target` are numbers, not .inf or .nan",
            ));
        }
        let contradicts = match better {
            Better::Higher => target <= baseline,
            Better::Lower => target >= baseline,
        };
        if contradicts {
            let (way, should) = match better {
                Better::Higher => ("higher", "above"),
                Better::Lower => ("lower", "below"),
            };
            return Err(check.at(
                &self.better.referenced,
                format!(
                    "`better: {way}` but the target ({target}) is not {should} the baseline ({baseline}); fix the target or `better`"
                ),
            ));
        }
        let capture = self
            .capture
            .map(|c| checked_capture(check, c))
            .transpose()?;
        Ok(Metric {
            id: check.register(&self.id)?,
            line: self.id.referenced.line() as usize,
            title: self.title,
            stream: self.stream,
            unit: self.unit,
            baseline,
            target,
            better,
            capture,
        })
    }
}

/// A `capture:` pattern that compiles and has a group to read the value from.
fn checked_capture(check: &Check, capture: Spanned<String>) -> Result<String, Error> {
    // Parsed, not compiled: compiling builds the matching engine, which
    // only `measure --run` needs, and which cost a small POC's `status`
    // a tenth of its time. A pattern this long is a mistake, and compiling
    // it could hit the engine's size limit later.
    let problem = if capture.value.chars().count() > MAX_CAPTURE_CHARS {
        Some(
            "`capture` is longer than 1,000 characters; a pattern to read one number needs far fewer"
                .to_string(),
        )
    } else {
        match regex_syntax::Parser::new().parse(&capture.value) {
            Err(e) => {
                // The message draws the pattern with a caret on lines of
                // their own; the last line says what is wrong.
                let text = e.to_string();
                let last = text.lines().last().unwrap_or_default();
                let why = last.trim().trim_start_matches("error: ");
                Some(format!(
                    "`capture` is not a valid regular expression: {}",
                    crate::text::terminal_safe(why)
                ))
            }
            Ok(hir) if hir.properties().explicit_captures_len() == 0 => Some(
                "`capture` has no group: put the number in parentheses, as in `p95=([0-9.]+) ms`"
                    .to_string(),
            ),
            Ok(_) => None,
        }
    };
    match problem {
        Some(message) => Err(check.at(&capture.referenced, message)),
        None => Ok(capture.value),
    }
}

/// The longest `capture:` pattern a scope may hold.
const MAX_CAPTURE_CHARS: usize = 1000;

/// Where a risk stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RiskStatus {
    /// Known, not happening: its watch indicator is looked at.
    #[default]
    Watching,
    /// Happening: its contingency applies, and its escalation clock runs.
    Triggered,
    /// No longer a risk.
    Retired,
}

impl RiskStatus {
    pub fn id(self) -> &'static str {
        match self {
            RiskStatus::Watching => "watching",
            RiskStatus::Triggered => "triggered",
            RiskStatus::Retired => "retired",
        }
    }
}

/// How badly a product gap hurts the deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GapSeverity {
    DealBreaker,
    Challenge,
    NiceToHave,
}

impl GapSeverity {
    pub const ALL: [GapSeverity; 3] = [
        GapSeverity::DealBreaker,
        GapSeverity::Challenge,
        GapSeverity::NiceToHave,
    ];

    pub fn id(self) -> &'static str {
        match self {
            GapSeverity::DealBreaker => "deal-breaker",
            GapSeverity::Challenge => "challenge",
            GapSeverity::NiceToHave => "nice-to-have",
        }
    }
}

impl Metric {
    /// "≤ 2 min", "≥ 10000 events/s": the target as a bar.
    pub fn bar(&self) -> String {
        let op = match self.better {
            Better::Higher => "≥",
            Better::Lower => "≤",
        };
        format!("{op} {}", self.amount(self.target))
    }

    /// A value with the metric's unit: "1.8 min", "12400 events/s". A
    /// value other than the target never prints as the target: 200.0004
    /// against 200 is "200.0004", not a "200" said to miss "≤ 200".
    pub fn amount(&self, value: f64) -> String {
        let shown = distinct(value, self.target);
        match &self.unit {
            Some(unit) if !unit.is_empty() => format!("{shown} {unit}"),
            _ => shown,
        }
    }

    /// "92.8% better": the improvement of `value` in words, never the same
    /// words as the target's when the value misses it (a "100% better"
    /// that is not met): then with more decimals, or none at all.
    pub fn improvement(&self, value: f64) -> Option<String> {
        let p = self.improvement_percent(value)?;
        let Some(bar) = self
            .improvement_percent(self.target)
            .filter(|_| !self.met_by(value))
        else {
            return Some(improvement_words(p));
        };
        (1..=6)
            .map(|decimals| (percent_words(p, decimals), percent_words(bar, decimals)))
            .find_map(|(words, target)| (words != target).then_some(words))
    }
}

impl Stream {
    pub const ALL: [Stream; 4] = [Stream::Time, Stream::Cost, Stream::Revenue, Stream::Risk];

    pub fn id(self) -> &'static str {
        match self {
            Stream::Time => "time",
            Stream::Cost => "cost",
            Stream::Revenue => "revenue",
            Stream::Risk => "risk",
        }
    }
}

impl Metric {
    /// "met, 92.8% better than baseline": whether `value` meets the
    /// target, and how far it moved from the baseline.
    pub fn verdict(&self, value: f64) -> String {
        let met = self.judge(Some(value));
        match self.improvement(value) {
            Some(words) => match words.as_str() {
                "no change" => format!("{met}, no change from baseline"),
                words => format!("{met}, {words} than baseline"),
            },
            None => met.to_string(),
        }
    }

    /// "25 min → 1.8 min → ≤ 2 min": baseline, the value (or "not
    /// measured") and target, as every view shows them.
    pub fn progress(&self, value: Option<f64>) -> String {
        let value = value.map_or_else(
            || MetricVerdict::NotMeasured.to_string(),
            |v| self.amount(v),
        );
        format!("{} → {value} → {}", self.amount(self.baseline), self.bar())
    }

    /// "1.8 min (baseline 25 min, target ≤ 2 min): met, 92.8% better than
    /// baseline": a value measured, as `poc measure` says it.
    pub fn summary(&self, value: f64) -> String {
        format!(
            "{} (baseline {}, target {}): {}",
            self.amount(value),
            self.amount(self.baseline),
            self.bar(),
            self.verdict(value)
        )
    }

    /// What a criterion tied to this metric gets as evidence from a value
    /// measured: "M1 measured 1.8 min: target ≤ 2 min met", then what the
    /// measurement's own evidence says.
    pub fn criterion_evidence(&self, value: f64, evidence: Option<&str>) -> String {
        let verdict = self.judge(Some(value));
        let mut text = format!(
            "{} measured {}: target {} {verdict}",
            self.id,
            self.amount(value),
            self.bar()
        );
        if let Some(e) = evidence.filter(|e| !e.trim().is_empty()) {
            text.push_str(" (");
            text.push_str(e);
            text.push(')');
        }
        text
    }

    /// Reads the value from a command's output with `capture:`: the first
    /// group of the last match, since a tool usually prints its final
    /// figure last.
    pub fn capture_value(&self, output: &str) -> Result<f64, CaptureMiss> {
        let Some(pattern) = &self.capture else {
            return Err(CaptureMiss::NoPattern);
        };
        // Validated when the scope was read: it compiles and has a group.
        // Multi-line: `^` and `$` anchor at each line of the output.
        let re = regex::RegexBuilder::new(pattern)
            .multi_line(true)
            .build()
            .map_err(|_| CaptureMiss::NoPattern)?;
        let last = re
            .captures_iter(output)
            .last()
            .ok_or(CaptureMiss::NoMatch)?;
        let found = last.get(1).ok_or(CaptureMiss::EmptyGroup)?;
        let text = found.as_str().trim();
        parse_value(text).map_err(|problem| CaptureMiss::NotANumber {
            text: text.to_string(),
            problem,
        })
    }
}

/// Why `capture:` read no value from a run's output.
#[derive(Debug, Clone, PartialEq)]
pub enum CaptureMiss {
    /// The metric has no `capture:`.
    NoPattern,
    /// Nothing in the output matches it.
    NoMatch,
    /// Its last match took no part in the first group (`(\d+)?` unmatched).
    EmptyGroup,
    /// What its group caught is not a number.
    NotANumber { text: String, problem: String },
}

/// "92.8% better", "10% worse", "no change": an improvement in percent of
/// the baseline, in words.
pub fn improvement_words(percent: f64) -> String {
    percent_words(percent, 1)
}

/// An improvement in words with up to `decimals` decimals.
fn percent_words(percent: f64, decimals: usize) -> String {
    let shown = match percent.abs() {
        big if big >= 1e6 => number(big),
        p => format!("{p:.decimals$}")
            .trim_end_matches('0')
            .trim_end_matches('.')
            .to_string(),
    };
    let shown = shown.as_str();
    match shown {
        "0" => "no change".to_string(),
        _ if percent > 0.0 => format!("{shown}% better"),
        _ => format!("{shown}% worse"),
    }
}

/// `value` as [`number`] writes it, with as many more digits as it takes
/// to differ from how `other` is written when the two differ.
fn distinct(value: f64, other: f64) -> String {
    let shown = number(value);
    if value == other || shown != number(other) {
        return shown;
    }
    let fixed = |v: f64, decimals: usize| {
        let text = format!("{v:.decimals$}");
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    (4..=17)
        .map(|decimals| (fixed(value, decimals), fixed(other, decimals)))
        .find_map(|(shown, target)| (shown != target).then_some(shown))
        .unwrap_or_else(|| value.to_string())
}

/// A value measured, as typed or as a run printed it: a finite number
/// (`1.8`, `-3`, `12400`, `1e3`); the problem in words otherwise.
pub fn parse_value(text: &str) -> Result<f64, String> {
    let text = text.trim();
    if text.contains([',', '_', '\'']) || text.contains(char::is_whitespace) {
        return Err(
            "write it without separators, as in `12400`, with a point for decimals, as in `1.8`"
                .to_string(),
        );
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        Ok(_) => Err("give a finite number, such as `1.8` or `-3`".to_string()),
        Err(_) => Err("give a number, such as `1.8`, `12400`, `-3` or `1e3`".to_string()),
    }
}

/// A number as people write it: no trailing `.0`, at most 3 decimals.
pub fn number(value: f64) -> String {
    // Very large and very small values in exponent form: 3 decimals would
    // print 309 digits, or 0 for an error rate of 0.0001.
    if value != 0.0 && !(0.001..1e15).contains(&value.abs()) {
        let text = format!("{value:.3e}");
        let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
        let mantissa = mantissa.trim_end_matches('0').trim_end_matches('.');
        return format!("{mantissa}e{exponent}");
    }
    let text = format!("{value:.3}");
    let text = text.trim_end_matches('0').trim_end_matches('.');
    if text == "-0" {
        "0".to_string()
    } else {
        text.to_string()
    }
}

/// "after 2 days → Priya Shah, after 5 days → Maria Chen": an escalation
/// path as people read it; empty when there is none.
pub fn escalation_path(steps: &[Escalation]) -> String {
    (steps.iter())
        .map(|e| match e.after_days {
            0 => format!("at once → {}", e.to),
            days => format!(
                "after {} → {}",
                crate::text::plural(i64::from(days), "day"),
                e.to
            ),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metric(baseline: f64, target: f64, better: Better) -> Metric {
        Metric {
            id: "M1".into(),
            title: "Time to find an incident's logs".into(),
            stream: Stream::Time,
            unit: Some("min".into()),
            baseline,
            target,
            better,
            capture: Some(r"found in ([0-9.]+) min".into()),
            line: 1,
        }
    }

    #[test]
    fn values_are_finite_numbers_without_separators() {
        for (text, value) in [
            ("1.8", 1.8),
            ("-3", -3.0),
            ("12400", 12400.0),
            ("1e3", 1000.0),
        ] {
            assert_eq!(parse_value(text), Ok(value));
        }
        for text in ["12,400", "1_000", "12 400", "1'000"] {
            assert!(
                parse_value(text)
                    .unwrap_err()
                    .contains("without separators")
            );
        }
        for text in ["inf", "NaN", "-infinity"] {
            assert!(parse_value(text).unwrap_err().contains("a finite number"));
        }
        assert!(parse_value("fast").unwrap_err().contains("give a number"));
        assert!(parse_value("").is_err());
    }

    #[test]
    fn a_measurement_reads_as_a_person_would_say_it() {
        let m = metric(25.0, 2.0, Better::Lower);
        assert_eq!(
            m.summary(1.8),
            "1.8 min (baseline 25 min, target ≤ 2 min): met, 92.8% better than baseline"
        );
        assert_eq!(m.verdict(30.0), "not met, 20% worse than baseline");
        // Written as the views say them, in JSON too.
        for v in [
            MetricVerdict::Met,
            MetricVerdict::NotMet,
            MetricVerdict::NotMeasured,
        ] {
            assert_eq!(serde_json::to_value(v).unwrap(), v.id());
        }
        assert_eq!(m.judge(None), MetricVerdict::NotMeasured);
        assert_eq!(m.judge(Some(30.0)), MetricVerdict::NotMet);
        assert_eq!(m.verdict(25.0), "not met, no change from baseline");
        let up = metric(6000.0, 10000.0, Better::Higher);
        assert_eq!(up.verdict(12400.0), "met, 106.7% better than baseline");
        let zero = metric(0.0, 5.0, Better::Higher);
        assert_eq!(zero.verdict(6.0), "met");
        assert_eq!(metric(1e-300, 1.0, Better::Higher).verdict(1e300), "met");
        assert_eq!(up.verdict(6e18), "met, 1e17% better than baseline");
        // Rounded, a value that misses never reads as the target, nor its
        // improvement as the target's.
        let ms = metric(400.0, 200.0, Better::Lower);
        assert_eq!(
            ms.summary(200.0004),
            "200.0004 min (baseline 400 min, target ≤ 200 min): not met, 49.9999% better than baseline"
        );
        assert_eq!(
            ms.summary(200.0),
            "200 min (baseline 400 min, target ≤ 200 min): met, 50% better than baseline"
        );
        let zero = metric(1000.0, 0.0, Better::Lower);
        assert_eq!(
            zero.verdict(0.00004),
            "not met, 99.999996% better than baseline"
        );
        assert_eq!(zero.verdict(1e-12), "not met");
        assert_eq!(zero.verdict(0.2), "not met, 99.98% better than baseline");
    }

    #[test]
    fn numbers_read_as_people_write_them() {
        let cases = [
            (1.8, "1.8"),
            (12400.0, "12400"),
            (-3.0, "-3"),
            (-0.0, "0"),
            (2.0 / 3.0, "0.667"),
            (0.0001, "1e-4"),
            (1e308, "1e308"),
            (1.23456e20, "1.235e20"),
        ];
        for (value, text) in cases {
            assert_eq!(number(value), text);
        }
    }

    #[test]
    fn the_last_match_in_the_output_is_the_value() {
        let m = metric(25.0, 2.0, Better::Lower);
        let out = "warm-up: found in 9.5 min\nrun: found in 1.8 min\n";
        assert_eq!(m.capture_value(out), Ok(1.8));
        assert_eq!(m.capture_value("nothing here"), Err(CaptureMiss::NoMatch));
        let mut anchored = m.clone();
        anchored.capture = Some(r"^p95=([0-9.]+)$".into());
        assert_eq!(anchored.capture_value("start\np95=1.5\nend\n"), Ok(1.5));
        anchored.capture = Some(r"p95=([0-9.]+)?".into());
        assert_eq!(
            anchored.capture_value("p95=1.5\np95=n/a"),
            Err(CaptureMiss::EmptyGroup)
        );
        let mut dots = m.clone();
        dots.capture = Some(r"found in ([0-9.,]+) min".into());
        assert!(matches!(
            dots.capture_value("found in 1,8 min"),
            Err(CaptureMiss::NotANumber { .. })
        ));
        let mut none = m;
        none.capture = None;
        assert_eq!(
            none.capture_value("found in 1 min"),
            Err(CaptureMiss::NoPattern)
        );
    }
}
