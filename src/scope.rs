//! The scope: `poc.yaml`, written once by `poc init` and then owned by the SE.
//! Nothing in `poc` writes it after `init`.

use std::collections::HashMap;

use rustc_hash::FxHashMap;
use std::fmt;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::de::{Deserializer, MapAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

use crate::error::{Error, Location, did_you_mean};
use crate::plan::{Covers, Metric, RawMetric, RawRisk, RawSignoff, Risk, Signoff};

/// The scope file name inside a POC folder.
pub const SCOPE_FILE: &str = "poc.yaml";
/// The schema version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 2;
/// The first version with the plan sections (`signoffs`, `risks`,
/// `metrics`) and a criterion's `metric`.
pub const PLAN_VERSION: u32 = 2;
/// A real scope is a few KiB; anything this large is a mistake or an attack.
pub const MAX_SCOPE_BYTES: u64 = 1024 * 1024;
/// The latest POC day a phase window may name (a POC longer than a year is a
/// project, not a proof of concept).
pub const MAX_DAY: u32 = 366;

/// The five phases, in order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Phase {
    Setup,
    Deployment,
    Validation,
    Integration,
    Signoff,
}

impl Phase {
    pub const ALL: [Phase; 5] = [
        Phase::Setup,
        Phase::Deployment,
        Phase::Validation,
        Phase::Integration,
        Phase::Signoff,
    ];

    pub fn id(self) -> &'static str {
        match self {
            Phase::Setup => "setup",
            Phase::Deployment => "deployment",
            Phase::Validation => "validation",
            Phase::Integration => "integration",
            Phase::Signoff => "signoff",
        }
    }

    /// The name people use for the phase in documents.
    pub fn title(self) -> &'static str {
        match self {
            Phase::Setup => "Environment setup",
            Phase::Deployment => "Core deployment",
            Phase::Validation => "Use-case validation",
            Phase::Integration => "Integration & testing",
            Phase::Signoff => "Validation & sign-off",
        }
    }

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn next(self) -> Option<Phase> {
        Phase::ALL.get(self.index() + 1).copied()
    }

    pub fn parse(text: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|p| p.id() == text)
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How much a success criterion matters to the decision.
// Ordered as written: must before should before nice.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Decides a win.
    #[default]
    Must,
    /// Counts, but a win does not wait for it.
    Should,
    /// A bonus.
    Nice,
}

impl Priority {
    pub fn id(self) -> &'static str {
        match self {
            Priority::Must => "must",
            Priority::Should => "should",
            Priority::Nice => "nice",
        }
    }
}

/// The debrief framework's deal size tier, from the ACV.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Tier {
    #[serde(rename = "SMB")]
    Smb,
    #[serde(rename = "Mid-Market")]
    MidMarket,
    #[serde(rename = "Enterprise")]
    Enterprise,
}

impl Tier {
    /// As the debrief framework writes it (and serde does): `Mid-Market`.
    pub fn title(self) -> &'static str {
        match self {
            Tier::Smb => "SMB",
            Tier::MidMarket => "Mid-Market",
            Tier::Enterprise => "Enterprise",
        }
    }
}

/// A validated scope.
#[derive(Debug, Clone, Serialize)]
pub struct Scope {
    pub version: u32,
    pub template: Option<String>,
    pub name: String,
    pub prospect: String,
    pub owner: Option<String>,
    pub account_exec: Option<String>,
    pub industry: Option<String>,
    pub acv: Option<u64>,
    pub competitors: Vec<String>,
    pub start: NaiveDate,
    /// The IANA name of the POC's time zone (UTC when the scope names none).
    pub timezone: String,
    #[serde(skip)]
    pub zone: chrono_tz::Tz,
    pub stakeholders: Vec<Stakeholder>,
    pub success_criteria: Vec<Criterion>,
    pub phases: Vec<PhasePlan>,
    pub out_of_scope: Vec<String>,
    pub signoffs: Vec<Signoff>,
    pub risks: Vec<Risk>,
    pub metrics: Vec<Metric>,
    /// Where each ID is, so replaying a long journal stays linear. Fx: the
    /// keys are short IDs from the SE's own file, hashed once per journal
    /// entry, where SipHash's resistance to crafted keys buys nothing.
    #[serde(skip)]
    index: FxHashMap<String, IdRef>,
}

#[derive(Debug, Clone, Copy)]
enum IdRef {
    Criterion(usize),
    /// (phase index, item index)
    Item(usize, usize),
}

/// A person involved in the POC.
#[derive(Debug, Clone, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Stakeholder {
    /// Their name.
    pub name: String,
    /// What they do in the deal: champion, economic buyer, architect, ….
    #[serde(default)]
    pub role: Option<String>,
    /// Whose side they are on; the customer's unless the scope says.
    #[serde(default)]
    pub side: Side,
    /// Their email address.
    #[serde(default)]
    pub email: Option<String>,
}

/// Which side of the deal a stakeholder is on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    #[default]
    Customer,
    Vendor,
    Partner,
}

impl Side {
    pub fn id(self) -> &'static str {
        match self {
            Side::Customer => "customer",
            Side::Vendor => "vendor",
            Side::Partner => "partner",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub id: String,
    pub title: String,
    pub target: Option<String>,
    pub priority: Priority,
    pub phase: Phase,
    pub owner: Option<String>,
    /// The value metric whose target decides it.
    pub metric: Option<String>,
    /// Line in `poc.yaml`, for warnings.
    #[serde(skip)]
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct PhasePlan {
    pub phase: Phase,
    /// First and last planned POC day, inclusive.
    pub days: (u32, u32),
    pub checklist: Vec<Item>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Item {
    pub id: String,
    pub title: String,
    pub required: bool,
}

/// A warning about a scope that is valid but probably not what the SE meant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Warning {
    pub line: usize,
    /// Stable and short, for scripts and editors: `no-target`, …
    pub code: &'static str,
    pub message: String,
}

/// What a tracked ID names.
#[derive(Debug, Clone, Copy)]
pub enum Target<'a> {
    Item(Phase, &'a Item),
    Criterion(&'a Criterion),
}

impl Target<'_> {
    pub fn id(&self) -> &str {
        match self {
            Target::Item(_, item) => &item.id,
            Target::Criterion(c) => &c.id,
        }
    }
}

impl Scope {
    /// Parses and validates the text of `poc.yaml`; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Scope, Error> {
        let raw: RawScope =
            crate::yaml::parse(text, file).map_err(|e| newer_version(text, file).unwrap_or(e))?;
        raw.validate(file)
    }

    /// The first instant of day 1, in the POC's zone.
    pub fn day_one(&self) -> DateTime<Utc> {
        crate::clock::start_of_day(self.start, self.zone)
    }

    /// The POC day of `t`: day 1 is `start`, counted in the POC's zone.
    pub fn day_of(&self, t: DateTime<Utc>) -> i64 {
        crate::clock::poc_day(self.start, self.zone, t)
    }

    /// The date of POC day `day` (day 1 is `start`); none past the dates
    /// chrono holds.
    pub fn date_of_day(&self, day: u32) -> Option<NaiveDate> {
        let after = u64::from(day.checked_sub(1)?);
        self.start.checked_add_days(chrono::Days::new(after))
    }

    /// The POC-zone calendar day of `t`, as `2026-11-23`.
    pub fn day_named(&self, t: DateTime<Utc>) -> String {
        crate::clock::local_date(t, self.zone).to_string()
    }

    /// A time as a person reads it, in the POC's zone.
    pub fn show(&self, t: DateTime<Utc>) -> String {
        crate::clock::show(t, self.zone)
    }

    fn build_index(&mut self) {
        let criteria = (self.success_criteria.iter().enumerate())
            .map(|(i, c)| (c.id.clone(), IdRef::Criterion(i)));
        let items = self.phases.iter().enumerate().flat_map(|(p, plan)| {
            (plan.checklist.iter().enumerate())
                .map(move |(i, item)| (item.id.clone(), IdRef::Item(p, i)))
        });
        self.index = criteria.chain(items).collect();
    }

    pub fn plan(&self, phase: Phase) -> &PhasePlan {
        &self.phases[phase.index()]
    }

    /// The value metric `id`.
    pub fn metric(&self, id: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| m.id == id)
    }

    /// The last planned day of the POC.
    pub fn total_days(&self) -> u32 {
        self.phases.iter().map(|p| p.days.1).max().unwrap_or(1)
    }

    pub fn find(&self, id: &str) -> Option<Target<'_>> {
        Some(match *self.index.get(id)? {
            IdRef::Criterion(i) => Target::Criterion(&self.success_criteria[i]),
            IdRef::Item(p, i) => Target::Item(Phase::ALL[p], &self.phases[p].checklist[i]),
        })
    }

    /// Every ID the scope defines, criteria first.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.success_criteria.iter().map(|c| c.id.as_str()).chain(
            self.phases
                .iter()
                .flat_map(|p| p.checklist.iter().map(|i| i.id.as_str())),
        )
    }

    /// "unknown ID `x` in poc.yaml; did you mean `y`?"
    pub fn unknown_id(&self, id: &str) -> Error {
        Error::UnknownId {
            id: crate::text::terminal_safe(id),
            what: "success criterion or checklist item in poc.yaml",
            suggestion: crate::error::suggest(id, self.ids()).map(str::to_owned),
            hint: String::new(),
        }
    }

    /// Deal size tier from the ACV, the debrief framework's tag.
    pub fn deal_size_tier(&self) -> Option<Tier> {
        self.acv.map(|acv| match acv {
            0..25_000 => Tier::Smb,
            25_000..100_000 => Tier::MidMarket,
            _ => Tier::Enterprise,
        })
    }

    /// Warnings: criteria without a measurable target, too many `must`s.
    pub fn warnings(&self) -> Vec<Warning> {
        let mut out = Vec::new();
        for c in &self.success_criteria {
            match &c.target {
                None => out.push(Warning {
                    line: c.line,
                    code: "no-target",
                    message: format!(
                        "criterion {} has no `target`: say what number proves it",
                        c.id
                    ),
                }),
                Some(t) if !t.chars().any(|ch| ch.is_ascii_digit()) => out.push(Warning {
                    line: c.line,
                    code: "target-without-number",
                    message: format!(
                        "criterion {} target has no number, so it is hard to prove: {}",
                        c.id,
                        crate::text::terminal_safe(t)
                    ),
                }),
                Some(_) => {}
            }
        }
        let musts = self
            .success_criteria
            .iter()
            .filter(|c| c.priority == Priority::Must)
            .count();
        if musts > 5 {
            out.push(Warning {
                line: self
                    .success_criteria
                    .iter()
                    .filter(|c| c.priority == Priority::Must)
                    .nth(5)
                    .map_or(0, |c| c.line),
                code: "too-many-musts",
                message: format!(
                    "{musts} criteria are `must`; more than five makes a clear win unlikely"
                ),
            });
        }
        if let Some(first) = self.signoffs.first()
            && !self.signoffs.iter().any(|s| s.covers == Covers::Final)
        {
            out.push(Warning {
                line: first.line,
                code: "no-final-signoff",
                message: "no sign-off covers `final`: nobody is asked to approve the POC's result, and a win will not wait for one".to_string(),
            });
        }
        out
    }
}

/// The JSON Schema of `poc.yaml` (`poc schema`), generated from the structs
/// that read the file, so it cannot drift from what `poc` accepts.
pub fn json_schema() -> serde_json::Value {
    crate::schema::generate::<RawScope>()
}

// --- The file as written, with locations, before validation. ---

/// The scope of a proof of concept (`poc.yaml`): the prospect, the success
/// criteria and the five phases with their day windows and checklists.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "poc.yaml")]
struct RawScope {
    /// File format version: 1, or 2 for `signoffs`, `risks`, `metrics` and a
    /// criterion's `metric`. Leave as `poc init` wrote it.
    #[schemars(with = "u32", range(min = 1, max = SCHEMA_VERSION))]
    version: Spanned<u32>,
    /// Which template (and its version) this file was created from.
    #[serde(default)]
    template: Option<String>,
    /// The POC's name, shown at the top of every report.
    name: String,
    /// The prospect's company name.
    prospect: String,
    /// The SE running the POC.
    #[serde(default)]
    owner: Option<String>,
    /// The account executive on the deal.
    #[serde(default)]
    account_exec: Option<String>,
    /// The prospect's industry, a tag for the debrief.
    #[serde(default)]
    industry: Option<String>,
    /// Annual contract value in USD; sets the deal size tier in the debrief.
    #[serde(default)]
    acv: Option<u64>,
    /// Competitors in the deal, tags for the debrief.
    #[serde(default)]
    competitors: Vec<String>,
    /// POC day 1, YYYY-MM-DD; the phase day windows count from it.
    #[schemars(with = "String", pattern(crate::schema::DATE_PATTERN))]
    start: Spanned<String>,
    /// The POC's time zone, an IANA name such as Europe/Berlin: days, due
    /// dates and times are counted in it. Without it, UTC.
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    timezone: Option<Spanned<String>>,
    /// The people involved, on the customer's side and yours.
    #[serde(default)]
    stakeholders: Vec<Stakeholder>,
    /// What must be true for a technical win, each with a measurable target.
    #[serde(default)]
    success_criteria: Vec<RawCriterion>,
    /// The five phases, in order: setup, deployment, validation,
    /// integration, signoff.
    #[schemars(with = "RawPhases")]
    phases: Spanned<RawPhases>,
    /// Requests agreed to be out of scope.
    #[serde(default)]
    out_of_scope: Vec<String>,
    /// Who approves what: the scope, the final result, or some criteria
    /// (version 2).
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawSignoff>>")]
    signoffs: Option<Spanned<Vec<RawSignoff>>>,
    /// What could go wrong, with mitigation and escalation (version 2).
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawRisk>>")]
    risks: Option<Spanned<Vec<RawRisk>>>,
    /// Value metrics with baseline and target (version 2).
    #[serde(default)]
    #[schemars(with = "Option<Vec<RawMetric>>")]
    metrics: Option<Spanned<Vec<RawMetric>>>,
}

/// A success criterion.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Criterion")]
struct RawCriterion {
    /// Its ID, typed on the command line (`poc check SC1`); unique in the file.
    #[schemars(with = "String", pattern(crate::schema::ID_PATTERN))]
    id: Spanned<String>,
    /// What must be true.
    title: String,
    /// The measurable bar, with a number.
    #[serde(default)]
    target: Option<String>,
    /// How much it matters to the decision (default must).
    #[serde(default)]
    priority: Priority,
    /// The phase in which it gets proven (default validation).
    #[serde(default = "default_criterion_phase")]
    phase: Phase,
    /// Who on the customer side confirms the result.
    #[serde(default)]
    owner: Option<String>,
    /// A value metric's ID: the criterion is met when that metric's latest
    /// value meets its target (version 2).
    #[serde(default)]
    #[schemars(with = "Option<String>")]
    metric: Option<Spanned<String>>,
}

fn default_criterion_phase() -> Phase {
    Phase::Validation
}

/// A phase: its planned day window and its checklist.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "PhasePlan")]
struct RawPhase {
    /// The planned window in POC days, inclusive: [first, last] (day 1 is
    /// `start`).
    #[schemars(
        with = "Vec<u32>",
        length(min = 2, max = 2),
        inner(range(min = 1, max = MAX_DAY))
    )]
    days: Spanned<Vec<u32>>,
    /// What must be done in this phase.
    #[serde(default)]
    checklist: Vec<RawItem>,
}

/// A checklist item.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Item")]
struct RawItem {
    /// Its ID, typed on the command line (`poc check env-access`); unique in
    /// the file.
    #[schemars(with = "String", pattern(crate::schema::ID_PATTERN))]
    id: Spanned<String>,
    /// What must be done.
    title: String,
    /// Whether an open item blocks `poc advance` (default true).
    #[serde(default = "yes")]
    required: bool,
}

fn yes() -> bool {
    true
}

/// The `phases` mapping, keys in the order written, so that a missing,
/// misspelt or misordered phase is reported rather than silently fixed.
struct RawPhases(Vec<(Spanned<String>, RawPhase)>);

impl<'de> Deserialize<'de> for RawPhases {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PhasesVisitor;
        impl<'de> Visitor<'de> for PhasesVisitor {
            type Value = RawPhases;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping of the five phases")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawPhases, A::Error> {
                let mut out = Vec::new();
                while let Some(key) = map.next_key::<Spanned<String>>()? {
                    out.push((key, map.next_value::<RawPhase>()?));
                }
                Ok(RawPhases(out))
            }
        }
        deserializer.deserialize_map(PhasesVisitor)
    }
}

/// Each of the five phases, all required (their order, which a schema
/// cannot say, is checked by `poc validate`).
impl JsonSchema for RawPhases {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Phases".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let phase = generator.subschema_for::<RawPhase>();
        let properties: serde_json::Map<String, serde_json::Value> = Phase::ALL
            .iter()
            .map(|p| (p.id().to_string(), phase.clone().into()))
            .collect();
        let required: Vec<&str> = Phase::ALL.iter().map(|p| p.id()).collect();
        schemars::json_schema!({
            "type": "object",
            "properties": properties,
            "required": required,
            "additionalProperties": false,
        })
    }
}

/// An error at a place in the file.
pub(crate) fn error_at(
    file: &str,
    loc: &serde_saphyr::Location,
    message: impl fmt::Display,
) -> Error {
    at(file, loc, message)
}

fn at(file: &str, loc: &serde_saphyr::Location, message: impl fmt::Display) -> Error {
    Error::invalid(
        Location::at(file, loc.line() as usize, loc.column() as usize),
        message.to_string(),
    )
}

/// The version error for a scope this poc cannot read, if that is why
/// `text` failed to load: a scope from a newer poc should say so, not trip
/// on its first new field. Read from a top-level `version:` line rather
/// than a second parse, so a hostile file costs no more.
fn newer_version(text: &str, file: &str) -> Option<Error> {
    let (line, rest) = text
        .lines()
        .enumerate()
        .find_map(|(i, l)| Some((i + 1, l.strip_prefix("version:")?)))?;
    let value = rest.split('#').next()?.trim().trim_matches(['"', '\'']);
    let version: u32 = value.parse().ok()?;
    let column = text.lines().nth(line - 1)?.find(value)? + 1;
    (version > SCHEMA_VERSION).then(|| {
        Error::invalid(
            Location::at(file, line, column),
            format!(
                "this file is version {version}; this poc reads up to version {SCHEMA_VERSION}; upgrade poc to read it"
            ),
        )
    })
}

fn check_version(version: &Spanned<u32>, file: &str) -> Result<(), Error> {
    match version.value {
        v if (1..=SCHEMA_VERSION).contains(&v) => Ok(()),
        v if v > SCHEMA_VERSION => Err(at(
            file,
            &version.referenced,
            format!(
                "this file is version {v}; this poc reads up to version {SCHEMA_VERSION}; upgrade poc to read it"
            ),
        )),
        v => Err(at(
            file,
            &version.referenced,
            format!("unsupported version {v}; versions start at 1"),
        )),
    }
}

/// Checks IDs as they are read: the documented character set, and unique
/// across criteria and checklist items.
#[derive(Default)]
pub(crate) struct IdRegistry {
    seen: HashMap<String, serde_saphyr::Location>,
    /// The success criteria's IDs, which sign-offs may name.
    criteria: Vec<String>,
}

impl IdRegistry {
    pub(crate) fn register(&mut self, id: &Spanned<String>, file: &str) -> Result<String, Error> {
        let value = id.value.trim();
        if let Err(rule) = crate::text::valid_id(value) {
            return Err(at(
                file,
                &id.referenced,
                format!("ID `{}` {rule}", crate::text::terminal_safe(value)),
            ));
        }
        if let Some(first) = self.seen.get(value) {
            return Err(at(
                file,
                &id.referenced,
                format!(
                    "duplicate ID `{value}`, first used at line {}; IDs must be unique across criteria, checklist items, sign-offs, risks and metrics",
                    first.line()
                ),
            ));
        }
        self.seen.insert(value.to_string(), id.referenced);
        Ok(value.to_string())
    }
}

/// "; did you mean `America/New_York`?" for a zone name typed with the
/// wrong case (that match first) or a typo, or nothing.
fn zone_did_you_mean(input: &str) -> String {
    let names = || chrono_tz::TZ_VARIANTS.iter().map(|z| z.name());
    match names().find(|n| n.eq_ignore_ascii_case(input)) {
        Some(exact) => format!("; did you mean `{exact}`?"),
        None => did_you_mean(input, names()),
    }
}

impl RawScope {
    fn validate(self, file: &str) -> Result<Scope, Error> {
        check_version(&self.version, file)?;
        let start = parse_start(&self.start, file)?;
        let zone = match &self.timezone {
            None => chrono_tz::Tz::UTC,
            Some(name) => crate::clock::parse_zone(&name.value).ok_or_else(|| {
                at(
                    file,
                    &name.referenced,
                    format!(
                        "`timezone` `{}` is not an IANA time zone name, such as Europe/Berlin, America/Los_Angeles or UTC{}",
                        crate::text::terminal_safe(&name.value),
                        zone_did_you_mean(name.value.trim())
                    ),
                )
            })?,
        };
        let mut ids = IdRegistry::default();
        let criteria = self
            .success_criteria
            .into_iter()
            .map(|c| c.validate(&mut ids, file))
            .collect::<Result<Vec<_>, _>>()?;
        ids.criteria = criteria.iter().map(|(c, _)| c.id.clone()).collect();
        let phases = validate_phases(self.phases, &mut ids, file)?;
        let version = self.version.value;
        let plan = validate_plan(
            self.signoffs,
            self.risks,
            self.metrics,
            version,
            &mut ids,
            file,
        )?;
        let criteria = link_metrics(criteria, &plan.2, version, file)?;
        let mut scope = Scope {
            index: FxHashMap::default(),
            version: self.version.value,
            template: self.template,
            name: self.name,
            prospect: self.prospect,
            owner: self.owner,
            account_exec: self.account_exec,
            industry: self.industry,
            acv: self.acv,
            competitors: self.competitors,
            start,
            timezone: zone.name().to_string(),
            zone,
            stakeholders: self.stakeholders,
            success_criteria: criteria,
            phases,
            out_of_scope: self.out_of_scope,
            signoffs: plan.0,
            risks: plan.1,
            metrics: plan.2,
        };
        scope.build_index();
        Ok(scope)
    }
}

fn parse_start(start: &Spanned<String>, file: &str) -> Result<NaiveDate, Error> {
    crate::clock::parse_date(&start.value).map_err(|problem| {
        at(
            file,
            &start.referenced,
            format!(
                "`start` {problem}: `{}` (expected YYYY-MM-DD, such as 2026-11-23)",
                crate::text::terminal_safe(&start.value)
            ),
        )
    })
}

impl RawCriterion {
    /// The criterion, and the metric it names, checked once the metrics
    /// are read.
    fn validate(
        self,
        ids: &mut IdRegistry,
        file: &str,
    ) -> Result<(Criterion, Option<Spanned<String>>), Error> {
        let criterion = Criterion {
            id: ids.register(&self.id, file)?,
            line: self.id.referenced.line() as usize,
            title: self.title,
            target: self.target,
            priority: self.priority,
            phase: self.phase,
            owner: self.owner,
            metric: None,
        };
        Ok((criterion, self.metric))
    }
}

/// A plan section or field written in a file older than its version.
fn needs_plan_version(
    what: &str,
    version: u32,
    loc: &serde_saphyr::Location,
    file: &str,
) -> Result<(), Error> {
    if version >= PLAN_VERSION {
        return Ok(());
    }
    Err(at(
        file,
        loc,
        format!(
            "{what} is new in version {PLAN_VERSION}; set `version: {PLAN_VERSION}` at the top of the file (nothing else changes: a version {version} scope reads the same as version {PLAN_VERSION})"
        ),
    ))
}

/// A section's entries; none when it is absent.
fn list<T>(section: Option<Spanned<Vec<T>>>) -> Vec<T> {
    section.map(|s| s.value).unwrap_or_default()
}

/// The sign-offs, risks and metrics, in that order.
type Plan = (Vec<Signoff>, Vec<Risk>, Vec<Metric>);

fn validate_plan(
    signoffs: Option<Spanned<Vec<RawSignoff>>>,
    risks: Option<Spanned<Vec<RawRisk>>>,
    metrics: Option<Spanned<Vec<RawMetric>>>,
    version: u32,
    ids: &mut IdRegistry,
    file: &str,
) -> Result<Plan, Error> {
    let criteria: Vec<String> = ids.criteria.clone();
    let criteria: Vec<&str> = criteria.iter().map(String::as_str).collect();
    let mut check = crate::plan::Check { file, ids };
    let section = |name: &str, loc: Option<&serde_saphyr::Location>| match loc {
        Some(loc) => needs_plan_version(&format!("`{name}`"), version, loc, file),
        None => Ok(()),
    };
    section("signoffs", signoffs.as_ref().map(|s| &s.referenced))?;
    section("risks", risks.as_ref().map(|s| &s.referenced))?;
    section("metrics", metrics.as_ref().map(|s| &s.referenced))?;
    let signoffs = (list(signoffs).into_iter())
        .map(|s: RawSignoff| s.validate(&mut check, &criteria))
        .collect::<Result<_, _>>()?;
    let risks = (list(risks).into_iter())
        .map(|r: RawRisk| r.validate(&mut check))
        .collect::<Result<_, _>>()?;
    let metrics = (list(metrics).into_iter())
        .map(|m: RawMetric| m.validate(&mut check))
        .collect::<Result<_, _>>()?;
    Ok((signoffs, risks, metrics))
}

/// Each criterion's `metric`, which must name a metric of the scope.
fn link_metrics(
    criteria: Vec<(Criterion, Option<Spanned<String>>)>,
    metrics: &[Metric],
    version: u32,
    file: &str,
) -> Result<Vec<Criterion>, Error> {
    let ids: Vec<&str> = metrics.iter().map(|m| m.id.as_str()).collect();
    criteria
        .into_iter()
        .map(|(mut criterion, metric)| {
            if let Some(metric) = metric {
                needs_plan_version("a criterion's `metric`", version, &metric.referenced, file)?;
                let name = metric.value.trim();
                if !ids.contains(&name) {
                    let known = if ids.is_empty() {
                        "; the scope has no `metrics`".to_string()
                    } else {
                        did_you_mean(name, ids.iter().copied())
                    };
                    return Err(at(
                        file,
                        &metric.referenced,
                        format!(
                            "criterion {} names the unknown metric `{}`{known}",
                            criterion.id,
                            crate::text::terminal_safe(name)
                        ),
                    ));
                }
                criterion.metric = Some(name.to_string());
            }
            Ok(criterion)
        })
        .collect()
}

/// The five phases, each in its place, with windows that run in order.
fn validate_phases(
    phases: Spanned<RawPhases>,
    ids: &mut IdRegistry,
    file: &str,
) -> Result<Vec<PhasePlan>, Error> {
    let written = phases.value.0;
    for (i, (key, _)) in written.iter().enumerate() {
        check_phase_key(key, i, file)?;
    }
    if let Some(missing) = Phase::ALL.get(written.len()) {
        return Err(at(
            file,
            &phases.referenced,
            format!("`phases` is missing `{missing}`; all five phases are required"),
        ));
    }
    let mut out: Vec<PhasePlan> = Vec::new();
    for (phase, (_, raw)) in Phase::ALL.into_iter().zip(written) {
        let days = phase_days(phase, &raw.days, out.last(), file)?;
        let checklist = raw
            .checklist
            .into_iter()
            .map(|item| {
                Ok(Item {
                    id: ids.register(&item.id, file)?,
                    title: item.title,
                    required: item.required,
                })
            })
            .collect::<Result<Vec<_>, Error>>()?;
        out.push(PhasePlan {
            phase,
            days,
            checklist,
        });
    }
    Ok(out)
}

fn check_phase_key(key: &Spanned<String>, position: usize, file: &str) -> Result<(), Error> {
    if Phase::parse(&key.value).is_none() {
        return Err(at(
            file,
            &key.referenced,
            format!(
                "unknown phase `{}`{}; the phases are setup, deployment, validation, integration, signoff",
                crate::text::terminal_safe(&key.value),
                did_you_mean(&key.value, Phase::ALL.iter().map(|p| p.id()))
            ),
        ));
    }
    let expected = Phase::ALL.get(position).map_or("nothing", |p| p.id());
    if key.value != expected {
        return Err(at(
            file,
            &key.referenced,
            format!(
                "phase `{}` is out of place: expected `{expected}` here; the phases are setup, deployment, validation, integration, signoff, in that order",
                key.value
            ),
        ));
    }
    Ok(())
}

fn phase_days(
    phase: Phase,
    days: &Spanned<Vec<u32>>,
    previous: Option<&PhasePlan>,
    file: &str,
) -> Result<(u32, u32), Error> {
    let fail = |message: String| Err(at(file, &days.referenced, message));
    let (first, last) = match days.value.as_slice() {
        [a, b] => (*a, *b),
        _ => {
            return fail(format!(
                "`{phase}.days` must be two day numbers, like [1, 2]"
            ));
        }
    };
    if first == 0 || last > MAX_DAY {
        return fail(format!(
            "`{phase}.days` [{first}, {last}] is out of range: POC days run from 1 to {MAX_DAY}"
        ));
    }
    if last < first {
        return fail(format!(
            "`{phase}.days` [{first}, {last}] ends before it starts"
        ));
    }
    if let Some(prev) = previous
        && (first < prev.days.0 || last < prev.days.1)
    {
        return fail(format!(
            "`{phase}.days` [{first}, {last}] starts or ends before `{}` [{}, {}]; phase windows must run in order",
            prev.phase, prev.days.0, prev.days.1
        ));
    }
    Ok((first, last))
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub const MINIMAL: &str = "version: 1
name: Test POC
prospect: Acme
start: 2026-11-23
success_criteria:
  - {id: SC1, title: Fast, target: p95 < 200 ms, phase: deployment}
  - {id: SC2, title: Nice, priority: nice}
phases:
  setup: {days: [1, 2], checklist: [{id: access, title: Access}, {id: call, title: Call, required: false}]}
  deployment: {days: [2, 4], checklist: [{id: deploy, title: Deploy}]}
  validation: {days: [4, 7]}
  integration: {days: [7, 10]}
  signoff: {days: [10, 12], checklist: [{id: signed, title: Signed}]}
";

    fn err(text: &str) -> String {
        Scope::parse(text, "poc.yaml").unwrap_err().to_string()
    }

    #[test]
    fn parses_a_minimal_scope() {
        let s = Scope::parse(MINIMAL, "poc.yaml").unwrap();
        assert_eq!(s.total_days(), 12);
        assert_eq!(s.success_criteria[1].phase, Phase::Validation);
        assert!(!s.phases[0].checklist[1].required);
        assert!(matches!(
            s.find("deploy"),
            Some(Target::Item(Phase::Deployment, _))
        ));
        assert_eq!(s.warnings().len(), 1, "{:?}", s.warnings());
    }

    #[test]
    fn rejects_duplicate_ids_with_both_lines() {
        let text = MINIMAL.replace("{id: deploy,", "{id: access,");
        let e = err(&text);
        assert!(e.starts_with("poc.yaml:10:47: "), "{e}");
        assert!(
            e.contains("duplicate ID `access`, first used at line 9"),
            "{e}"
        );
    }

    #[test]
    fn rejects_impossible_dates_and_reversed_windows() {
        assert!(
            err(&MINIMAL.replace("2026-11-23", "2026-02-30"))
                .starts_with("poc.yaml:4:8: `start` is not a real date")
        );
        let e = err(&MINIMAL.replace("days: [2, 4]", "days: [4, 2]"));
        assert!(
            e.contains("`deployment.days` [4, 2] ends before it starts"),
            "{e}"
        );
        let e = err(&MINIMAL.replace("days: [7, 10]", "days: [3, 10]"));
        assert!(e.contains("phase windows must run in order"), "{e}");
    }

    #[test]
    fn rejects_misordered_and_missing_phases() {
        let e = err(&MINIMAL.replace("  validation: {days: [4, 7]}\n", ""));
        assert!(
            e.contains("phase `integration` is out of place: expected `validation`"),
            "{e}"
        );
        let e = err(&MINIMAL.replace(
            "  signoff: {days: [10, 12], checklist: [{id: signed, title: Signed}]}\n",
            "",
        ));
        assert!(e.contains("`phases` is missing `signoff`"), "{e}");
        let e = err(&MINIMAL.replace("  setup:", "  stup:"));
        assert!(
            e.contains("unknown phase `stup`; did you mean `setup`?"),
            "{e}"
        );
    }

    #[test]
    fn suggests_the_nearest_field() {
        let e = err(&MINIMAL.replace("prospect:", "prospekt:"));
        assert!(
            e.starts_with("poc.yaml:3:1: unknown field `prospekt`; did you mean `prospect`?"),
            "{e}"
        );
    }

    #[test]
    fn warns_about_unmeasurable_targets_and_too_many_musts() {
        let s = Scope::parse(MINIMAL, "poc.yaml").unwrap();
        let messages: Vec<_> = s
            .warnings()
            .into_iter()
            .map(|w| (w.line, w.message))
            .collect();
        assert_eq!(
            messages,
            [(
                7,
                "criterion SC2 has no `target`: say what number proves it".to_string()
            )]
        );
        let mut text = MINIMAL.replace("priority: nice", "target: fast enough");
        for i in 3..=7 {
            text = text.replace(
                "phases:\n",
                &format!("  - {{id: M{i}, title: More, target: 1 per day}}\nphases:\n"),
            );
        }
        let warnings: Vec<_> = Scope::parse(&text, "poc.yaml")
            .unwrap()
            .warnings()
            .into_iter()
            .map(|w| w.message)
            .collect();
        assert_eq!(
            warnings,
            [
                "criterion SC2 target has no number, so it is hard to prove: fast enough",
                "7 criteria are `must`; more than five makes a clear win unlikely",
            ]
        );
    }

    #[test]
    fn deal_size_tiers() {
        let mut s = Scope::parse(MINIMAL, "poc.yaml").unwrap();
        for (acv, tier) in [
            (24_999, Tier::Smb),
            (25_000, Tier::MidMarket),
            (99_999, Tier::MidMarket),
            (100_000, Tier::Enterprise),
        ] {
            s.acv = Some(acv);
            assert_eq!(s.deal_size_tier(), Some(tier));
        }
    }
}
