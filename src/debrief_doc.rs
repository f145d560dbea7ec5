//! The SE's `debrief.md`, read back: the tags in its front matter and what
//! the lessons section says, for the debrief library (`poc insights`,
//! `poc similar`), and whether it is the debrief of the latest close.

use std::io::Read as _;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::report::DEBRIEF_FILE;

/// The most of a debrief read: the SE's notes can be long, and one
/// pasted log must not slow a scan of thousands.
const MAX_DEBRIEF_BYTES: u64 = 1024 * 1024;

/// The questions `poc debrief` writes under "Lessons": a line that is only
/// one of them is a prompt, not a lesson.
pub const LESSON_PROMPTS: [&str; 3] = [
    "What should be done differently in the next POC for a similar customer profile?",
    "Which product gaps should be escalated to the Product team?",
    "Which process improvements (sandbox provisioning, data loading, standups) would make the next POC faster?",
];

/// What a debrief.md says, as far as the library reads it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DebriefDoc {
    pub tags: DebriefTags,
    /// Why the front matter could not be read (`debrief.md:3:1: …`), when
    /// it could not: the tags are then empty.
    pub tags_error: Option<String>,
    /// The lessons section as the SE wrote it, without the prompts; none
    /// when nothing was written there.
    pub lessons: Option<String>,
}

/// The front matter's tags. Every one is optional: the SE may remove or
/// add any; `tags:` holds their own labels.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DebriefTags {
    pub industry: Option<String>,
    pub deal_size_tier: Option<String>,
    pub outcome: Option<String>,
    pub competitors: Vec<String>,
    pub tags: Vec<String>,
    /// The close's day, `2026-12-04`: the debrief of that close.
    pub closed: Option<String>,
}

impl DebriefDoc {
    /// The POC's debrief.md, if it is a readable regular file (never
    /// through a link, never a FIFO; the first MiB).
    pub fn read(dir: &Path) -> Option<DebriefDoc> {
        if crate::fsutil::link_in(dir, DEBRIEF_FILE).is_some() {
            return None;
        }
        let path = dir.join(DEBRIEF_FILE);
        let file = crate::fsutil::open_regular(&path).ok()?;
        let mut bytes = Vec::new();
        // A longer one is still written: its tags are at the top.
        let _ = file.take(MAX_DEBRIEF_BYTES).read_to_end(&mut bytes);
        Some(DebriefDoc::parse(&String::from_utf8_lossy(&bytes)))
    }

    pub fn parse(text: &str) -> DebriefDoc {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let (front, body) = split_front_matter(text);
        let opened = text.starts_with("---\n") || text.starts_with("---\r\n");
        let (tags, tags_error) = match front {
            // Its tags would be lost without a word (or it is past the
            // first MiB read).
            None if opened => (
                DebriefTags::default(),
                Some(format!(
                    "{DEBRIEF_FILE}:1:1: the front matter opened here is never closed by a `---` line"
                )),
            ),
            None => (DebriefTags::default(), None),
            // Emptied by the SE: no tags, and nothing wrong ("the file is
            // empty" would name the whole debrief).
            Some(front) if only_comments(front) => (DebriefTags::default(), None),
            Some(front) => match DebriefTags::parse(front) {
                Ok(tags) => (tags, None),
                // The first line: the snippet under it is for a terminal.
                Err(e) => {
                    let error = e.to_string();
                    let first = error.lines().next().unwrap_or_default();
                    (DebriefTags::default(), Some(first.to_string()))
                }
            },
        };
        DebriefDoc {
            tags,
            tags_error,
            lessons: lessons(body),
        }
    }

    /// Whether this is the debrief of the close at `closed`: its `closed:`
    /// tag names that day. One from before a reopen does not count; one
    /// whose tag the SE removed (or whose front matter is not YAML) does.
    pub fn is_for(&self, closed: DateTime<Utc>, zone: chrono_tz::Tz) -> bool {
        let day = crate::clock::local_date(closed, zone).to_string();
        (self.tags.closed.as_deref()).is_none_or(|tag| tag.trim() == day)
    }
}

impl DebriefTags {
    fn parse(front: &str) -> Result<DebriefTags, crate::Error> {
        // Read loosely: a tag of another type (a number, a list where one
        // value was expected) is taken as text, not a broken debrief.
        let value: serde_json::Value = crate::yaml::parse_at(front, DEBRIEF_FILE, 1)?;
        let text = |key: &str| value.get(key).and_then(as_text);
        let list = |key: &str| match value.get(key) {
            Some(serde_json::Value::Array(items)) => items.iter().filter_map(as_text).collect(),
            Some(one) => as_text(one).into_iter().collect(),
            None => Vec::new(),
        };
        Ok(DebriefTags {
            industry: text("industry"),
            deal_size_tier: text("deal_size_tier"),
            outcome: text("outcome"),
            competitors: list("competitors"),
            tags: list("tags"),
            closed: text("closed"),
        })
    }
}

fn as_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::String(s) => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn only_comments(yaml: &str) -> bool {
    (yaml.lines()).all(|l| l.trim().is_empty() || l.trim_start().starts_with('#'))
}

/// The front matter (between a first line `---` and the next `---`) and
/// the rest; no front matter when the file does not open with `---` or it
/// is never closed.
fn split_front_matter(text: &str) -> (Option<&str>, &str) {
    let Some(rest) = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))
    else {
        return (None, text);
    };
    let mut offset = 0;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == "---" {
            return (Some(&rest[..offset]), &rest[offset + line.len()..]);
        }
        offset += line.len();
    }
    (None, text)
}

/// The text under the first `## … Lessons` heading, up to the next
/// heading of the same level, without the prompts `poc debrief` wrote.
fn lessons(body: &str) -> Option<String> {
    // A line in a fenced code block (a command, a `# comment`) is never a
    // heading.
    let mut fenced = false;
    let lines = body.lines().map(|line| {
        let fence = ["```", "~~~"]
            .iter()
            .any(|f| line.trim_start().starts_with(f));
        fenced ^= fence;
        (line, fenced || fence)
    });
    let mut lines = lines.skip_while(|(l, code)| *code || !is_lessons_heading(l));
    lines.next()?;
    let kept: Vec<&str> = lines
        .take_while(|(l, code)| *code || (!l.starts_with("## ") && !l.starts_with("# ")))
        .map(|(l, _)| l)
        .filter(|l| !is_prompt(l))
        .collect();
    let text = kept.join("\n");
    let text = text.trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn is_lessons_heading(line: &str) -> bool {
    line.strip_prefix("## ")
        .is_some_and(|h| h.to_lowercase().contains("lesson"))
}

fn is_prompt(line: &str) -> bool {
    let line = line.trim();
    let line = line.strip_prefix("- ").unwrap_or(line);
    LESSON_PROMPTS.contains(&line.trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILLED: &str = "---\nprospect: Acme\nindustry: Retail\noutcome: loss\ncompetitors: [\"Vendor X\"]\ntags: [pricing, 42]\nclosed: 2026-12-04\n---\n\n# Debrief\n\n## 4. Lessons\n\n- What should be done differently in the next POC for a similar customer profile?\n- Bring the SSO team in on day 1.\n- Which product gaps should be escalated to the Product team?\n\n## Notes taken during the POC\n\n- not a lesson\n";

    #[test]
    fn tags_and_lessons_are_read_back() {
        let doc = DebriefDoc::parse(FILLED);
        assert_eq!(doc.tags.industry.as_deref(), Some("Retail"));
        assert_eq!(doc.tags.outcome.as_deref(), Some("loss"));
        assert_eq!(doc.tags.competitors, ["Vendor X"]);
        assert_eq!(doc.tags.tags, ["pricing", "42"]);
        assert_eq!(doc.tags.closed.as_deref(), Some("2026-12-04"));
        assert_eq!(
            doc.lessons.as_deref(),
            Some("- Bring the SSO team in on day 1.")
        );
        assert_eq!(doc.tags_error, None);
    }

    #[test]
    fn front_matter_never_closed_is_named() {
        let doc = DebriefDoc::parse("---\ntags: [a]\n## Lessons\nstill read\n");
        assert_eq!(
            doc.tags_error.as_deref(),
            Some("debrief.md:1:1: the front matter opened here is never closed by a `---` line")
        );
        assert_eq!(doc.lessons.as_deref(), Some("still read"));
        assert_eq!(DebriefDoc::parse("# Debrief\n").tags_error, None);
    }

    #[test]
    fn headings_in_code_blocks_are_code() {
        let text = "```\n## Lessons\nnot these\n```\n## 4. Lessons\n- Run:\n```sh\n# as root\npoc list\n```\nmore\n## Notes\nno\n";
        assert_eq!(
            DebriefDoc::parse(text).lessons.as_deref(),
            Some("- Run:\n```sh\n# as root\npoc list\n```\nmore")
        );
    }

    #[test]
    fn the_prompts_are_the_ones_the_debrief_template_writes() {
        let template = include_str!("../templates/debrief.md.j2");
        for prompt in LESSON_PROMPTS {
            assert!(template.contains(&format!("\n- {prompt}\n")), "{prompt}");
        }
    }

    #[test]
    fn prompts_alone_are_no_lessons() {
        let text = format!(
            "## Lessons\n\n- {}\n- {}\n",
            LESSON_PROMPTS[0], LESSON_PROMPTS[2]
        );
        assert_eq!(DebriefDoc::parse(&text).lessons, None);
    }

    #[test]
    fn broken_front_matter_is_named_not_fatal() {
        let doc = DebriefDoc::parse("---\nindustry: [unclosed\n---\n## Lessons\nKeep it short.\n");
        let error = doc.tags_error.clone().expect("an error");
        assert!(error.starts_with("debrief.md:"), "{error}");
        assert_eq!(doc.lessons.as_deref(), Some("Keep it short."));
        // Without a `closed:` tag it counts as the latest close's.
        assert!(doc.is_for(Utc::now(), chrono_tz::Tz::UTC));
    }

    #[test]
    fn a_debrief_from_before_a_reopen_is_not_the_latest() {
        let doc = DebriefDoc::parse(FILLED);
        let closed = "2026-12-04T15:00:00Z".parse().unwrap();
        assert!(doc.is_for(closed, chrono_tz::Tz::UTC));
        let later = "2026-12-09T15:00:00Z".parse().unwrap();
        assert!(!doc.is_for(later, chrono_tz::Tz::UTC));
    }
}
