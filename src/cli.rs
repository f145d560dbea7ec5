//! Command-line definitions, and only those. Doc comments are the help text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::ArgValueCandidates;

use crate::complete;

/// Run a sales proof of concept from the terminal.
///
/// A POC is a folder: `poc.yaml` (the scope: stakeholders, success criteria,
/// five phases with checklists and day windows, yours to edit) and
/// `journal.yaml` (what happened, appended by poc). Start with `poc init`,
/// tick items every day with `poc check`, see where you stand with
/// `poc status`, move on with `poc advance`, finish with `poc close` and
/// `poc debrief`.
///
/// Exit codes: 0 success, 1 error or gate not met, 2 usage error.
#[derive(Debug, Parser)]
#[command(name = "poc", version, arg_required_else_help = true)]
pub struct Cli {
    /// Look for the POC from DIR (it, or the nearest folder above it that
    /// holds poc.yaml) instead of from the current folder; for init, the
    /// folder to create it in. Other paths (--attach, --out) stay relative
    /// to the current folder.
    #[arg(short = 'C', long = "dir", value_name = "DIR", global = true)]
    pub dir: Option<PathBuf>,

    #[command(subcommand)]
    pub command: Command,
}

impl Cli {
    /// Parses the command line. `--prospect` is required of `init` unless
    /// init `may_ask` for it (stdin and stderr are terminals): the error is
    /// then clap's own, as it always was.
    pub fn parse_from_args<I: IntoIterator<Item = std::ffi::OsString>>(
        args: I,
        may_ask: bool,
    ) -> Result<Cli, clap::Error> {
        use clap::{CommandFactory as _, FromArgMatches as _};
        let mut command = Cli::command();
        if !may_ask {
            command = command.mut_subcommand("init", |init| {
                init.mut_arg("prospect", |prospect| prospect.required(true))
            });
        }
        Cli::from_arg_matches(&command.try_get_matches_from(args)?)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Create a POC folder with a poc.yaml scope from a bundled template
    ///
    /// Example: poc init acme-poc --prospect "Acme Corp" --start 2026-11-23
    #[command(verbatim_doc_comment)]
    Init(InitArgs),
    /// List the templates, or export a bundled one to start your own
    ///
    /// Scope templates (NAME.yaml.j2, or a plain NAME.yaml) and document
    /// templates (status.md.j2, checklist.md.j2, debrief.md.j2, …) are
    /// taken from, nearest first: the team's .poc/templates/ (found upward
    /// from the POC), the folder `templates` in the config names, the
    /// user's templates/ in the config folder, and those bundled in poc. A
    /// nearer one shadows one of the same name further away.
    ///
    /// Examples:
    ///   poc templates
    ///   poc templates --export standard .poc/templates
    ///   poc templates --export status.md.j2 ~/.config/poc/templates
    #[command(verbatim_doc_comment)]
    Templates(TemplatesArgs),
    /// Show the settings in effect: user, template, timezone, stale_days, templates
    ///
    /// Each comes from the first of: a `POC_*` environment variable, the
    /// team config (.poc/config.yaml, found upward from the POC or the
    /// current folder), the user config (config.yaml in
    /// $XDG_CONFIG_HOME/poc, else ~/.config/poc), and the default. A flag
    /// of the command that uses a setting wins over all of them.
    ///
    /// Examples:
    ///   poc config
    ///   poc config --show-origin
    #[command(verbatim_doc_comment)]
    Config(ConfigArgs),
    /// Check poc.yaml and journal.yaml; errors name file:line:col
    ///
    /// Exit 1 on any error; warnings (a criterion without a number in its
    /// target, entries dated in the future, changed evidence, …) do not fail.
    ///
    /// Examples:
    ///   poc validate
    ///   poc validate --format json
    #[command(verbatim_doc_comment)]
    Validate(FormatArgs<ListFormat>),
    /// Show where the POC stands: day, phase, criteria, blockers
    ///
    /// Examples:
    ///   poc status
    ///   poc status --format markdown > status.md
    ///   poc -C ~/pocs/acme status --format json
    #[command(verbatim_doc_comment)]
    Status(StatusArgs),
    /// Show today's list, or record items done and criteria met or failed
    ///
    /// Without IDs: the open items of the current phase and the pending
    /// criteria. With IDs: records each done (item) or met (criterion).
    ///
    /// Examples:
    ///   poc check env-access kickoff
    ///   poc check SC1 --evidence "12,400 events/s for 1 h, dashboard link"
    ///   poc check SC2 --fail --note "p95 was 340 ms"
    ///   poc check SC2 --undo
    ///   poc check SC1 --attach dashboard.png --attach export.csv
    ///   poc check SC3 --run "./loadtest.sh --users 50" --timeout 900
    #[command(verbatim_doc_comment)]
    Check(CheckArgs),
    /// Add a note to the journal
    ///
    /// Example: poc note "Call with Marcus: wants SSO in the pilot"
    #[command(verbatim_doc_comment)]
    Note(TextArgs),
    /// Park an out-of-scope request for after the POC
    ///
    /// Parked requests are listed in the status and the debrief, not lost.
    ///
    /// Example: poc park "Custom retention per tenant (ask product)"
    #[command(verbatim_doc_comment)]
    Park(TextArgs),
    /// Open a blocker (B3-K7Q; B3 works while it names one), or resolve one
    ///
    /// With --escalate-to NAME --after DAYS, "escalate to NAME" shows in
    /// status, check and the customer update once it has been open DAYS days.
    ///
    /// Examples:
    ///   poc blocker "VPN access not granted"
    ///   poc blocker "Firewall change pending" --owner Sam --severity high --escalate-to Priya --after 2
    ///   poc blocker --resolve B1 --note "granted by IT"
    #[command(verbatim_doc_comment)]
    Blocker(BlockerArgs),
    /// Record a sign-off the plan asks for, or print the sign-off sheet
    ///
    /// The sign-offs are in poc.yaml (`signoffs:`): who approves what (the
    /// scope, the final result, or some criteria). A win cannot be recorded
    /// while a `final` sign-off is missing, unless with --force.
    ///
    /// Examples:
    ///   poc signoff SO1 --evidence "Scope approved by email" --attach approval.eml
    ///   poc signoff SO2 --by "Marcus Webb"
    ///   poc signoff SO2 --undo --note "signed the wrong version"
    ///   poc signoff --sheet --format html > signoff.html
    #[command(verbatim_doc_comment)]
    Signoff(SignoffArgs),
    /// List the risks, raise one, or move one (watching, triggered, retired)
    ///
    /// The scope's risks are in poc.yaml (`risks:`); one raised here gets an
    /// ID that never collides across clones. A triggered risk past its
    /// escalation step shows "escalate to NAME" in status, check and update.
    ///
    /// Examples:
    ///   poc risk
    ///   poc risk add "Security review may slip a week" --likelihood medium --impact high --owner Jordan
    ///   poc risk R1 --status triggered --note "CHG-4411 not approved on day 3"
    ///   poc risk R1 --status retired
    #[command(verbatim_doc_comment, args_conflicts_with_subcommands = true)]
    Risk(RiskArgs),
    /// Record a value metric's actual value
    ///
    /// The metrics are in poc.yaml (`metrics:`) with baseline, target and
    /// which way is better. VALUE is a plain number (1.8, -3, 12400, 1e3).
    /// With --run, the command runs as `check --run` runs it, and the value
    /// is the first group of the last match of the metric's `capture:`
    /// pattern in its output; the run's log is the proof. A run that fails,
    /// times out or prints no match records nothing and exits 1 (its log is
    /// kept); a run whose value misses the target records it, and exits 1.
    /// A criterion tied to the metric (`metric: M1`) is met when the value
    /// meets the target, and failed when it does not.
    ///
    /// Examples:
    ///   poc measure M1 1.8 --evidence "Incident drill, 5 searches"
    ///   poc measure M2 --run "./p95.sh prod-east"
    #[command(verbatim_doc_comment)]
    Measure(MeasureArgs),
    /// Record a product gap the prospect hit, or resolve one
    ///
    /// A gap gets an ID (G1-K7Q; G1 works while it names one) that never
    /// collides across clones. `status` counts the open ones by severity,
    /// and the debrief lists them with the deal's ACV. Resolve one with
    /// `--resolve ID --note TEXT`, as a blocker is resolved.
    ///
    /// Examples:
    ///   poc gap "No per-tenant retention" --severity challenge --feature retention --criterion SC4
    ///   poc gap "No SAML" --severity deal-breaker --workaround "OIDC through their IdP"
    ///   poc gap --resolve G1 --note "Fixed in 4.3, verified on prod-east"
    #[command(verbatim_doc_comment)]
    Gap(GapArgs),
    /// Show the journal, in time order
    ///
    /// Dates are YYYY-MM-DD (the start of that day in the POC's time zone)
    /// or RFC 3339 timestamps.
    ///
    /// Examples:
    ///   poc log
    ///   poc log --since 2026-11-20 --kind note
    ///   poc log --id SC2 --format json
    ///   poc log --format tsv | awk -F'\t' '$3 == "fail"'
    #[command(verbatim_doc_comment)]
    Log(LogArgs),
    /// Write the customer update: what happened since the last one, and what comes next
    ///
    /// Items done, criteria met with their evidence, failures and what is
    /// being done about them, blockers and what is needed from whom, parked
    /// requests, and what comes next. Starts where the last recorded update
    /// ended (--record), else at the start of the POC. A period where
    /// nothing happened says so in one line.
    ///
    /// Your notes (poc note) are left out: they are your own record of the
    /// POC, not written for the customer; poc log shows them, and stderr
    /// says how many were left out.
    ///
    /// Formats: text (default) pastes into any email or CRM note as is;
    /// html is an email-safe fragment; markdown for Slack, Confluence and
    /// GitHub; json for tools.
    ///
    /// Examples:
    ///   poc update
    ///   poc update --format html > update.html
    ///   poc update --since 2026-11-20 --format markdown
    ///   poc update --record
    #[command(verbatim_doc_comment)]
    Update(UpdateArgs),
    /// Write a one-page HTML report a customer can read, with a phase timeline
    ///
    /// Self-contained: no network, no JavaScript, inline CSS and SVG;
    /// prints on A4 and Letter. By default it is the team's page, with the
    /// deal, the risks, the product gaps and the SE's notes; --customer
    /// leaves those out, for the page you send the customer.
    ///
    /// Examples:
    ///   poc report
    ///   poc report --customer --out ~/Desktop/acme-poc.html
    #[command(verbatim_doc_comment)]
    Report(ReportArgs),
    /// Write the plan as an iCalendar file for the SE's calendar
    ///
    /// An all-day event per phase window, the POC's last day and, once
    /// closed, the debrief deadline. Importing it again updates the events
    /// instead of duplicating them.
    ///
    /// The events are the plan: each phase sits on its planned days (day 1
    /// is `start`), however early or late it really ran; its description
    /// lists the checklist and criteria, and says what happened so far. A
    /// closed POC keeps its phase events as history; the phases it closed
    /// before show as cancelled. The debrief deadline is the half hour
    /// ending 48 hours after the close. Writes calendar.ics in the POC
    /// folder unless --out says otherwise; a file already there is replaced
    /// only if it is a calendar.
    ///
    /// Examples:
    ///   poc calendar
    ///   poc calendar --out - > acme.ics
    ///   poc calendar --out ~/Desktop/acme-poc.ics
    #[command(verbatim_doc_comment)]
    Calendar(OutArgs),
    /// Print the whole plan as a shareable markdown checklist
    ///
    /// Example: poc checklist > acme-checklist.md
    #[command(verbatim_doc_comment)]
    Checklist(ChecklistArgs),
    /// Move to the next phase once the current one is finished
    ///
    /// Refuses, listing what blocks, while a required checklist item of the
    /// current phase is open or one of its success criteria is not yet
    /// evaluated. --force --reason TEXT overrides; the reason is journaled.
    ///
    /// Examples:
    ///   poc advance
    ///   poc advance --force --reason "Customer waived the load test"
    #[command(verbatim_doc_comment)]
    Advance(AdvanceArgs),
    /// Go back to an earlier phase, or reopen a closed POC
    ///
    /// Example: poc reopen validation --reason "New data set from the customer"
    #[command(verbatim_doc_comment)]
    Reopen(ReopenArgs),
    /// Record the outcome: win, loss or inconclusive
    ///
    /// Allowed from signoff. From an earlier phase (a cancelled POC), or as a
    /// win while a `must` criterion is not met or a `final` sign-off is not
    /// given (poc signoff), it needs --force.
    ///
    /// Examples:
    ///   poc close --outcome win --reason "All must criteria met"
    ///   poc close --outcome loss --force --reason "Budget frozen in week 2"
    #[command(verbatim_doc_comment)]
    Close(CloseArgs),
    /// Write debrief.md, pre-filled from the POC, after close
    ///
    /// Due within 48 hours of the close. Never overwrites a debrief without
    /// --force, and then keeps the old one as a backup.
    ///
    /// Examples:
    ///   poc debrief
    ///   poc debrief --out ../debriefs/acme.md
    ///   poc debrief --format json
    #[command(verbatim_doc_comment)]
    Debrief(DebriefArgs),
    /// List every piece of evidence, or verify stored files with --verify
    ///
    /// Examples:
    ///   poc evidence
    ///   poc evidence SC1 --format json
    ///   poc evidence --verify
    #[command(verbatim_doc_comment)]
    Evidence(EvidenceArgs),
    /// List every POC under the given folders: the portfolio, one row each
    ///
    /// Finds each folder holding a poc.yaml under ROOT (default: the current
    /// folder), as git sees the tree: folders in .gitignore, .git/, target/
    /// and a POC's own evidence/ are not searched. A row shows the phase (or
    /// the outcome once closed), day N of M, days late, criteria met and
    /// musts met, open blockers and the oldest one's age, the last journal
    /// entry, and the debrief's deadline. A POC that cannot be read is a row
    /// with its error, listed whatever the filters, and the run goes on.
    ///
    /// json is JSON Lines (one object per line), for a warehouse; csv has a
    /// header row, and cells a spreadsheet would run as formulas start
    /// with '.
    ///
    /// Examples:
    ///   poc list
    ///   poc list ~/pocs --owner dana --open --sort late
    ///   poc list --stale 5
    ///   poc list --format json > pocs.jsonl
    ///   poc list --fail-on late --fail-on overdue   # in cron or CI
    #[command(verbatim_doc_comment)]
    List(ListArgs),
    /// The debrief library: what the closed POCs under the given folders say together
    ///
    /// Over the closed POCs under ROOT (found as `poc list` finds them):
    /// outcomes and the win rate (wins over wins and losses) per group,
    /// each figure with the number of POCs behind it; days from start to
    /// close against the plan (median and 90th percentile); the phases most
    /// often late or forced; the success criteria most often failed; the
    /// share of must-haves met in won against lost POCs; parked requests;
    /// how long blockers stayed open; product gaps by the ACV of the deals
    /// they appeared in; and each debrief's tags and lessons, latest first.
    ///
    /// POCs whose outcome is in conflict, and those that cannot be read,
    /// are left out and counted on stderr (`poc list` shows why).
    ///
    /// Examples:
    ///   poc insights
    ///   poc insights ~/pocs --by industry --since 2026-01-01
    ///   poc insights --format html --out insights.html
    ///   poc insights --format json | jq '.groups[] | {value, win_rate: .outcomes.win_rate}'
    #[command(verbatim_doc_comment)]
    Insights(InsightsArgs),
    /// Past POCs like this one: outcomes, what failed, lessons learned
    ///
    /// The pattern war story, at kickoff: the closed POCs under the team's
    /// folder that share a competitor, the industry or the deal size tier
    /// (from acv) with this POC, most similar first (a shared competitor
    /// weighs most, then the industry, then the tier; of equals, the latest
    /// close first). For each: what matched, the outcome and close date,
    /// the criteria that failed (musts first), the gaps it hit, and the
    /// lessons and tags its debrief.md recorded. POCs whose outcome two
    /// clones decided differently are left out.
    ///
    /// The team's folder is the nearest folder above the POC holding .git
    /// or .poc/ (within POC_CEILING_DIRECTORIES), else the POC's parent
    /// folder.
    ///
    /// Examples:
    ///   poc similar
    ///   poc similar --root ~/pocs --limit 3
    ///   poc similar --format markdown > war-story.md
    #[command(verbatim_doc_comment)]
    Similar(SimilarArgs),
    /// Print the shell completion script for SHELL
    ///
    /// The script asks poc for the candidates as you type, so IDs complete
    /// from the POC you are in (or the one -C names): criteria and items
    /// after `poc check`, open blockers after `poc blocker --resolve`, and
    /// sign-offs, risks, metrics, gaps and phases where they go. Load it
    /// from your shell's startup file:
    ///
    ///   bash:        echo 'source <(poc completions bash)' >> ~/.bashrc
    ///   zsh:         echo 'source <(poc completions zsh)' >> ~/.zshrc
    ///   fish:        echo 'poc completions fish | source' >> ~/.config/fish/config.fish
    ///   elvish:      echo 'eval (poc completions elvish | slurp)' >> ~/.config/elvish/rc.elv
    ///   PowerShell:  Add-Content $PROFILE 'poc completions powershell | Out-String | Invoke-Expression'
    #[command(verbatim_doc_comment)]
    Completions(CompletionsArgs),
    /// Print the man page (roff), of poc or of one command
    ///
    /// Examples:
    ///   poc man > ~/.local/share/man/man1/poc.1
    ///   poc man check > ~/.local/share/man/man1/poc-check.1
    ///   poc man | man -l -
    #[command(verbatim_doc_comment)]
    Man(ManArgs),
    /// Print the JSON Schema of poc.yaml, for editors
    ///
    /// `poc init` writes it beside poc.yaml as poc.schema.json, and puts the
    /// line `# yaml-language-server: $schema=poc.schema.json` at the top of
    /// poc.yaml: editors with a YAML language server (VS Code, Neovim,
    /// Helix, Zed, Emacs) then check the file and complete its fields as you
    /// type, offline. `poc validate` still checks what a schema cannot:
    /// unique IDs, phase order, real dates, day windows.
    ///
    /// Example: poc schema > poc.schema.json
    #[command(verbatim_doc_comment)]
    Schema,
}

#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum)]
    pub shell: ShellArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ShellArg {
    Bash,
    Zsh,
    Fish,
    Elvish,
    Powershell,
}

impl ShellArg {
    /// The shell's name, as clap_complete knows it.
    pub fn name(self) -> &'static str {
        match self {
            ShellArg::Bash => "bash",
            ShellArg::Zsh => "zsh",
            ShellArg::Fish => "fish",
            ShellArg::Elvish => "elvish",
            ShellArg::Powershell => "powershell",
        }
    }
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The command whose page to print (default: poc's own, which lists
    /// every command).
    #[arg(value_name = "COMMAND", add = ArgValueCandidates::new(complete::subcommands))]
    pub command: Option<String>,
}

#[derive(Debug, Args)]
pub struct InsightsArgs {
    /// Folders to search (default: -C DIR, else the current folder).
    #[arg(value_name = "ROOT")]
    pub roots: Vec<PathBuf>,
    /// Only POCs closed on or after DATE: YYYY-MM-DD (the start of that
    /// day in each POC's time zone) or an RFC 3339 time.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// What the outcomes are grouped by (default: competitor). A POC with
    /// two competitors counts in both groups; one without a value in
    /// "not recorded".
    #[arg(long, value_enum, value_name = "FACET")]
    pub by: Option<FacetArg>,
    /// Read every POC afresh: neither use nor write the summaries kept in
    /// each POC's `.poc-cache/`.
    #[arg(long)]
    pub no_cache: bool,
    /// Output format: html is one self-contained page with charts.
    #[arg(long, value_enum)]
    pub format: Option<InsightsFormat>,
    /// Write the page (html) or the document (markdown) to FILE instead of
    /// stdout; only over a file poc insights wrote.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FacetArg {
    Industry,
    /// The deal size tier, from the ACV.
    Tier,
    Competitor,
    /// The scope template the POC started from.
    Template,
    Owner,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum InsightsFormat {
    Table,
    Markdown,
    Html,
    Json,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    /// Folders to search (default: -C DIR, else the current folder).
    #[arg(value_name = "ROOT")]
    pub roots: Vec<PathBuf>,
    /// Only the POCs this SE owns (`owner:` in poc.yaml, any case).
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
    /// Only the open POCs in this phase.
    #[arg(long, value_enum)]
    pub phase: Option<PhaseArg>,
    /// Only the open POCs.
    #[arg(long, conflicts_with = "closed")]
    pub open: bool,
    /// Only the closed POCs.
    #[arg(long)]
    pub closed: bool,
    /// Only the open POCs with no journal entry for DAYS days (`--stale`
    /// alone: `stale_days` from the config, else 7); also the days
    /// `--fail-on stale` counts.
    #[arg(long, value_name = "DAYS", num_args = 0..=1, conflicts_with = "closed")]
    pub stale: Option<Option<u32>>,
    /// Order of the rows (default: folder). Numbers that call for action
    /// come first: most days late, most blockers, longest idle, overdue
    /// debriefs.
    #[arg(long, value_enum, value_name = "COLUMN")]
    pub sort: Option<SortArg>,
    /// Exit 1 when a listed POC is stale, late, owes an overdue debrief, or
    /// cannot be read (repeatable); the rows print as usual.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub fail_on: Vec<FailOnArg>,
    /// Read every POC afresh: neither use nor write the summaries kept in
    /// each POC's `.poc-cache/` (they are checked against the files anyway).
    #[arg(long)]
    pub no_cache: bool,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<TableFormat>,
}

#[derive(Debug, Args)]
pub struct SimilarArgs {
    /// The folder of past POCs to search (default: the nearest folder
    /// above the POC holding .git or .poc/, else the POC's parent folder).
    #[arg(long, value_name = "DIR")]
    pub root: Option<PathBuf>,
    /// Show at most N past POCs (default 10); the headline counts all.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub limit: Option<u32>,
    /// Read every POC afresh: neither use nor write the summaries kept in
    /// each POC's `.poc-cache/` (they are checked against the files anyway).
    #[arg(long)]
    pub no_cache: bool,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<SimilarFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimilarFormat {
    Table,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TableFormat {
    Table,
    /// JSON Lines: one object per line.
    Json,
    Csv,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PhaseArg {
    Setup,
    Deployment,
    Validation,
    Integration,
    Signoff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortArg {
    Folder,
    Name,
    Prospect,
    Owner,
    Phase,
    Day,
    Late,
    Criteria,
    Blockers,
    /// The last journal entry, oldest first.
    Activity,
    Debrief,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOnArg {
    /// An open POC with no journal entry for --stale DAYS (default 7).
    Stale,
    /// An open POC past its phase's window.
    Late,
    /// A closed POC whose debrief is past due and not written.
    Overdue,
    /// A folder whose poc.yaml or journal cannot be read.
    Broken,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Folder to create the POC in (default: -C DIR, else the current
    /// folder).
    #[arg(value_name = "DIR")]
    pub folder: Option<PathBuf>,
    /// The prospect's company name. At a terminal, init without it asks
    /// for it and the rest, each with its default.
    #[arg(long)]
    pub prospect: Option<String>,
    /// A name for the POC (default: "<prospect> POC").
    #[arg(long)]
    pub name: Option<String>,
    /// Template to start from: the team's, the user's or a bundled one;
    /// see `poc templates` (default: `template` in the config, else
    /// standard).
    #[arg(long)]
    pub template: Option<String>,
    /// Day 1 of the POC, YYYY-MM-DD (default: today).
    #[arg(long)]
    pub start: Option<String>,
    /// The SE running the POC (default: POC_USER or your login name).
    #[arg(long)]
    pub owner: Option<String>,
    /// The POC's time zone, an IANA name such as America/Los_Angeles
    /// (default: `timezone` in the config, else this machine's zone, from
    /// TZ or the system setting).
    #[arg(long, value_name = "ZONE")]
    pub timezone: Option<String>,
    /// The prospect's industry, written as `industry:` (matched by
    /// `poc similar` and grouped by `poc insights`).
    #[arg(long, value_name = "TEXT")]
    pub industry: Option<String>,
    /// The deal's annual contract value in USD, written as `acv:`; it sets
    /// the deal size tier (SMB under 25,000, Mid-Market under 100,000, else
    /// Enterprise).
    #[arg(long, value_name = "N")]
    pub acv: Option<u64>,
    /// A competitor in the deal, written into `competitors:` (repeatable).
    #[arg(long, value_name = "NAME")]
    pub competitor: Vec<String>,
}

#[derive(Debug, Args)]
pub struct TemplatesArgs {
    /// Write the bundled template NAME (a scope template such as standard,
    /// or a document template such as status.md.j2) into DIR, as a
    /// starting point; never over an existing file.
    #[arg(long, value_name = "NAME")]
    pub export: Option<String>,
    /// Where --export writes (default: the current folder).
    #[arg(value_name = "DIR", requires = "export")]
    pub dir: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, conflicts_with = "export")]
    pub format: Option<ListFormat>,
}

#[derive(Debug, Args)]
pub struct ConfigArgs {
    /// Say where each value comes from: an environment variable, a config
    /// file and line, or the default.
    #[arg(long)]
    pub show_origin: bool,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    /// Output format.
    #[arg(long, value_enum, conflicts_with = "context")]
    pub format: Option<StatusFormat>,
    /// Print the JSON the markdown template (status.md.j2) receives, to
    /// write your own.
    #[arg(long)]
    pub context: bool,
}

#[derive(Debug, Args)]
pub struct ChecklistArgs {
    /// Output format.
    #[arg(long, value_enum, conflicts_with = "context")]
    pub format: Option<DocumentFormat>,
    /// Print the JSON the template (checklist.md.j2) receives, to write
    /// your own.
    #[arg(long)]
    pub context: bool,
}

#[derive(Debug, Args)]
pub struct FormatArgs<F: ValueEnum + Clone + Send + Sync + 'static> {
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<F>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Table,
    Json,
}

#[derive(Debug, Args)]
pub struct LogArgs {
    /// Only entries at or after DATE.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only entries up to DATE: to the end of that day, or before that
    /// instant for a timestamp.
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
    /// Only entries about this item, criterion or blocker.
    #[arg(long, value_name = "ID", add = ArgValueCandidates::new(complete::any_ids))]
    pub id: Option<String>,
    /// Only entries of this kind (repeatable).
    #[arg(long, value_name = "KIND", value_parser = clap::builder::PossibleValuesParser::new(crate::event::Event::KINDS))]
    pub kind: Vec<String>,
    /// Only the last N entries that match.
    #[arg(long, value_name = "N")]
    pub limit: Option<usize>,
    /// Output format: tsv is one line per entry, tab-separated, no padding.
    #[arg(long, value_enum)]
    pub format: Option<LogFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    Table,
    Json,
    Tsv,
}

#[derive(Debug, Args)]
pub struct UpdateArgs {
    /// Start at DATE instead of where the last recorded update ended:
    /// YYYY-MM-DD (the start of that day in the POC's time zone) or an
    /// RFC 3339 time.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<UpdateFormat>,
    /// Record in the journal that this update was sent, so the next one
    /// starts where it ends. An update with nothing new is recorded too:
    /// the customer was told so.
    #[arg(long, conflicts_with = "context")]
    pub record: bool,
    /// Print the JSON the markdown and HTML templates (update.md.j2,
    /// update.html.j2) receive, instead of the update.
    #[arg(long)]
    pub context: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UpdateFormat {
    Text,
    Markdown,
    Html,
    Json,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub out: OutArgs,
    /// The page for the customer: without the deal (ACV and tier), the
    /// risks, the product gaps and the SE's notes.
    #[arg(long)]
    pub customer: bool,
}

#[derive(Debug, Args)]
pub struct OutArgs {
    /// Where to write it (default: in the POC folder); `-` for stdout.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum StatusFormat {
    Table,
    Markdown,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DocumentFormat {
    Markdown,
    Json,
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Checklist item or success criterion IDs.
    #[arg(add = ArgValueCandidates::new(complete::criteria_and_items))]
    pub ids: Vec<String>,
    /// What proves it: a number, a link, where the screenshot is.
    #[arg(long, value_name = "TEXT", conflicts_with = "undo")]
    pub evidence: Option<String>,
    /// Record the criteria as failed (criteria only).
    #[arg(long, conflicts_with = "undo")]
    pub fail: bool,
    /// Put the IDs back: items to open, criteria to pending.
    #[arg(long)]
    pub undo: bool,
    /// A note kept with the entry.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Attach a file as evidence (repeatable): copied into evidence/ under
    /// a name made from its sha256, which the journal records.
    #[arg(long, value_name = "FILE", conflicts_with = "undo")]
    pub attach: Vec<PathBuf>,
    /// Prove criteria or tick items by running COMMAND through the shell in
    /// the POC folder: exit 0 records criteria met and items done; anything
    /// else records criteria failed and items not done. Output is shown live
    /// and kept in a log under evidence/. The command gets no terminal
    /// (stdin is /dev/null), so a prompt fails at once; see --interactive.
    #[arg(long, value_name = "COMMAND", conflicts_with_all = ["undo", "fail"])]
    pub run: Option<String>,
    /// Let the --run command use the terminal: stdin is inherited and it
    /// runs in the foreground, so it can ask for a password or a host key
    /// and read the answer. Ctrl-C then reaches the command; if it dies of
    /// it, nothing is recorded. Without this flag, stdin is /dev/null and
    /// the command runs in a new session with no terminal, so a prompt fails
    /// at once instead of waiting until the timeout.
    #[arg(long, requires = "run")]
    pub interactive: bool,
    /// Seconds --run lets the command run before killing it and recording
    /// the criteria failed (default 600).
    #[arg(long, value_name = "SECS", requires = "run", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
    /// Output format of today's list (`poc check` with no IDs).
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

#[derive(Debug, Args)]
pub struct EvidenceArgs {
    /// Only the evidence of this criterion, checklist item or sign-off.
    #[arg(add = ArgValueCandidates::new(complete::evidence_ids))]
    pub id: Option<String>,
    /// Re-hash every stored file and report any that is missing or changed
    /// (exit 1 if any is).
    #[arg(long)]
    pub verify: bool,
    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

#[derive(Debug, Args)]
pub struct TextArgs {
    /// The text to record; several words need no quotes.
    #[arg(required = true, value_name = "TEXT")]
    pub words: Vec<String>,
}

impl TextArgs {
    /// The words as one text, as the shell split them.
    pub fn text(&self) -> String {
        self.words.join(" ")
    }
}

#[derive(Debug, Args)]
pub struct BlockerArgs {
    /// What blocks the POC; several words need no quotes.
    #[arg(
        value_name = "TEXT",
        required_unless_present = "resolve",
        conflicts_with = "resolve"
    )]
    pub words: Vec<String>,
    /// Resolve the blocker with this ID (B1, B2, …).
    #[arg(long, value_name = "ID", add = ArgValueCandidates::new(complete::open_blocker_ids))]
    pub resolve: Option<String>,
    /// How it was resolved (with --resolve); several words need no quotes.
    #[arg(long, value_name = "TEXT", num_args = 1.., requires = "resolve")]
    pub note: Vec<String>,
    /// Who owns getting it resolved.
    #[arg(long, value_name = "NAME", conflicts_with = "resolve")]
    pub owner: Option<String>,
    /// How badly it blocks.
    #[arg(long, value_enum, conflicts_with = "resolve")]
    pub severity: Option<LevelArg>,
    /// Who to escalate to if it stays open (see --after).
    #[arg(long, value_name = "NAME", conflicts_with = "resolve")]
    pub escalate_to: Option<String>,
    /// Days it may stay open before "escalate to NAME" shows (default 0).
    #[arg(long, value_name = "DAYS", requires = "escalate_to")]
    pub after: Option<u32>,
}

#[derive(Debug, Args)]
pub struct SignoffArgs {
    /// The sign-off's ID in poc.yaml (SO1, …).
    #[arg(
        value_name = "ID",
        required_unless_present = "sheet",
        conflicts_with = "sheet",
        add = ArgValueCandidates::new(complete::signoff_ids)
    )]
    pub id: Option<String>,
    /// Who signed (default: the name poc.yaml gives the sign-off).
    #[arg(long, value_name = "NAME", conflicts_with = "undo")]
    pub by: Option<String>,
    /// What proves it: where the email or the signed sheet is.
    #[arg(long, value_name = "TEXT", conflicts_with = "undo")]
    pub evidence: Option<String>,
    /// Attach a file as evidence (repeatable), stored under evidence/.
    #[arg(long, value_name = "FILE", conflicts_with = "undo")]
    pub attach: Vec<PathBuf>,
    /// Withdraw the sign-off.
    #[arg(long)]
    pub undo: bool,
    /// Why it was withdrawn (with --undo).
    #[arg(long, value_name = "TEXT", requires = "undo")]
    pub note: Option<String>,
    /// Print the sign-off sheet: what each person approves, with the
    /// criteria and their results, and lines to sign.
    #[arg(long)]
    pub sheet: bool,
    /// Output format of the sheet.
    #[arg(long, value_enum, requires = "sheet")]
    pub format: Option<SheetFormat>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SheetFormat {
    Markdown,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    Low,
    Medium,
    High,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RiskStatusArg {
    Watching,
    Triggered,
    Retired,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GapSeverityArg {
    DealBreaker,
    Challenge,
    NiceToHave,
}

#[derive(Debug, Args)]
pub struct RiskArgs {
    #[command(subcommand)]
    pub add: Option<RiskCommand>,
    /// The risk to move (R1, or a raised risk's R3-K7Q).
    #[arg(value_name = "ID", requires = "status", add = ArgValueCandidates::new(complete::risk_ids))]
    pub id: Option<String>,
    /// Its new status.
    #[arg(long, value_enum)]
    pub status: Option<RiskStatusArg>,
    /// What happened; journaled.
    #[arg(long, value_name = "TEXT")]
    pub note: Option<String>,
    /// Output format of the list (`poc risk` alone).
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

#[derive(Debug, Subcommand)]
pub enum RiskCommand {
    /// Raise a new risk
    Add(RiskAddArgs),
}

#[derive(Debug, Args)]
pub struct RiskAddArgs {
    /// What could go wrong; several words need no quotes.
    #[arg(required = true, value_name = "TEXT")]
    pub words: Vec<String>,
    #[arg(long, value_enum, default_value = "medium")]
    pub likelihood: LevelArg,
    #[arg(long, value_enum, default_value = "medium")]
    pub impact: LevelArg,
    /// Who watches it.
    #[arg(long, value_name = "NAME")]
    pub owner: Option<String>,
}

#[derive(Debug, Args)]
pub struct MeasureArgs {
    /// The metric's ID in poc.yaml (M1, …).
    #[arg(value_name = "ID", add = ArgValueCandidates::new(complete::metric_ids))]
    pub id: String,
    /// The value measured, a number (not with --run).
    #[arg(
        value_name = "VALUE",
        required_unless_present = "run",
        conflicts_with = "run",
        allow_negative_numbers = true
    )]
    pub value: Option<String>,
    /// What proves it.
    #[arg(long, value_name = "TEXT")]
    pub evidence: Option<String>,
    /// Attach a file as evidence (repeatable), stored under evidence/.
    #[arg(long, value_name = "FILE")]
    pub attach: Vec<PathBuf>,
    /// Run COMMAND in the POC folder and read the value from its output
    /// with the metric's `capture:` pattern; the log is kept as evidence.
    #[arg(long, value_name = "COMMAND")]
    pub run: Option<String>,
    /// Seconds --run lets the command run (default 600).
    #[arg(long, value_name = "SECS", requires = "run", value_parser = clap::value_parser!(u64).range(1..))]
    pub timeout: Option<u64>,
}

#[derive(Debug, Args)]
pub struct GapArgs {
    /// What the product lacks; several words need no quotes.
    // Not `conflicts_with = "resolve"`: `poc gap G1 --resolve --note x`
    // gets a hint to put the ID after --resolve (commands/gap.rs).
    #[arg(value_name = "TEXT", required_unless_present = "resolve")]
    pub words: Vec<String>,
    /// How badly it hurts the deal.
    #[arg(long, value_enum, required_unless_present = "resolve")]
    pub severity: Option<GapSeverityArg>,
    /// The product feature or area.
    #[arg(long, value_name = "NAME")]
    pub feature: Option<String>,
    /// The success criterion it affects.
    #[arg(long, value_name = "ID", add = ArgValueCandidates::new(complete::criterion_ids))]
    pub criterion: Option<String>,
    /// How the POC works around it.
    #[arg(long, value_name = "TEXT")]
    pub workaround: Option<String>,
    /// Resolve the gap with this ID (G1, …); needs --note.
    #[arg(long, value_name = "ID", requires = "note", num_args = 0..=1, default_missing_value = "", conflicts_with_all = ["severity", "feature", "criterion", "workaround"], add = ArgValueCandidates::new(complete::open_gap_ids))]
    pub resolve: Option<String>,
    /// How it was resolved: the workaround or the fix (with --resolve).
    #[arg(long, value_name = "TEXT", requires = "resolve")]
    pub note: Option<String>,
}

#[derive(Debug, Args)]
pub struct AdvanceArgs {
    /// Advance even though the gate is not met (needs --reason).
    #[arg(long, requires = "reason")]
    pub force: bool,
    /// Why; journaled.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct ReopenArgs {
    /// The phase to go back to: setup, deployment, validation, integration, signoff.
    #[arg(add = ArgValueCandidates::new(complete::phase_ids))]
    pub phase: String,
    /// Why; journaled.
    #[arg(long, value_name = "TEXT")]
    pub reason: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutcomeArg {
    Win,
    Loss,
    Inconclusive,
}

#[derive(Debug, Args)]
pub struct CloseArgs {
    /// How the POC ended.
    #[arg(long, value_enum)]
    pub outcome: OutcomeArg,
    /// Why; journaled and shown in the debrief.
    #[arg(long, value_name = "TEXT")]
    pub reason: Option<String>,
    /// Close before signoff, or as a win with a `must` criterion not met or
    /// a `final` sign-off not given (needs --reason).
    #[arg(long, requires = "reason")]
    pub force: bool,
}

#[derive(Debug, Args)]
pub struct DebriefArgs {
    /// Where to write it (default: debrief.md in the POC folder); `-` for
    /// stdout. Links to evidence are made to work from FILE's folder; on
    /// stdout they are relative to the POC folder.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Replace an existing debrief, keeping the old one as a backup.
    #[arg(long)]
    pub force: bool,
    /// Output format (json prints to stdout and writes nothing).
    #[arg(long, value_enum, conflicts_with = "context")]
    pub format: Option<DocumentFormat>,
    /// Print the JSON the template (debrief.md.j2) receives, to write your
    /// own; writes nothing.
    #[arg(long)]
    pub context: bool,
}

// What each choice means in the domain: the one place a command-line value
// becomes a domain value (the domain never sees clap).

impl From<OutcomeArg> for crate::event::Outcome {
    fn from(arg: OutcomeArg) -> Self {
        match arg {
            OutcomeArg::Win => Self::Win,
            OutcomeArg::Loss => Self::Loss,
            OutcomeArg::Inconclusive => Self::Inconclusive,
        }
    }
}

impl From<LevelArg> for crate::plan::Level {
    fn from(arg: LevelArg) -> Self {
        match arg {
            LevelArg::Low => Self::Low,
            LevelArg::Medium => Self::Medium,
            LevelArg::High => Self::High,
        }
    }
}

impl From<RiskStatusArg> for crate::plan::RiskStatus {
    fn from(arg: RiskStatusArg) -> Self {
        match arg {
            RiskStatusArg::Watching => Self::Watching,
            RiskStatusArg::Triggered => Self::Triggered,
            RiskStatusArg::Retired => Self::Retired,
        }
    }
}

impl From<GapSeverityArg> for crate::plan::GapSeverity {
    fn from(arg: GapSeverityArg) -> Self {
        match arg {
            GapSeverityArg::DealBreaker => Self::DealBreaker,
            GapSeverityArg::Challenge => Self::Challenge,
            GapSeverityArg::NiceToHave => Self::NiceToHave,
        }
    }
}

impl From<PhaseArg> for crate::scope::Phase {
    fn from(arg: PhaseArg) -> Self {
        match arg {
            PhaseArg::Setup => Self::Setup,
            PhaseArg::Deployment => Self::Deployment,
            PhaseArg::Validation => Self::Validation,
            PhaseArg::Integration => Self::Integration,
            PhaseArg::Signoff => Self::Signoff,
        }
    }
}

impl From<SortArg> for crate::portfolio::SortKey {
    fn from(arg: SortArg) -> Self {
        match arg {
            SortArg::Folder => Self::Folder,
            SortArg::Name => Self::Name,
            SortArg::Prospect => Self::Prospect,
            SortArg::Owner => Self::Owner,
            SortArg::Phase => Self::Phase,
            SortArg::Day => Self::Day,
            SortArg::Late => Self::Late,
            SortArg::Criteria => Self::Criteria,
            SortArg::Blockers => Self::Blockers,
            SortArg::Activity => Self::Activity,
            SortArg::Debrief => Self::Debrief,
        }
    }
}

impl From<FacetArg> for crate::summary::Facet {
    fn from(arg: FacetArg) -> Self {
        match arg {
            FacetArg::Industry => Self::Industry,
            FacetArg::Tier => Self::Tier,
            FacetArg::Competitor => Self::Competitor,
            FacetArg::Template => Self::Template,
            FacetArg::Owner => Self::Owner,
        }
    }
}

impl From<FailOnArg> for crate::portfolio::Alarm {
    fn from(arg: FailOnArg) -> Self {
        match arg {
            FailOnArg::Stale => Self::Stale,
            FailOnArg::Late => Self::Late,
            FailOnArg::Overdue => Self::Overdue,
            FailOnArg::Broken => Self::Broken,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }
}
