//! apibuilder's rules for names: validity, duplicate detection, plurals, URL keys and default
//! namespaces. Kept in one place so every front end and check agrees.

/// Why a name is invalid (apibuilder `Text.validateName`), or `None` when it is valid.
pub fn name_problem(name: &str) -> Option<&'static str> {
    if name.trim().is_empty() {
        return Some("name cannot be blank");
    }
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')) {
        return Some("name can only contain a-z, A-Z, 0-9, - and _ characters");
    }
    let mut chars = name.chars();
    let first = chars.next().unwrap_or(' ');
    let starts_ok = first.is_ascii_alphabetic() || (first == '_' && chars.next().is_some());
    if !starts_ok {
        return Some("name must start with a letter");
    }
    None
}

/// The form under which two names count as the same (`someUser` = `some_user` = `SomeUser`), as
/// apibuilder's `DuplicateErrorMessage` compares them: its `camelCaseToUnderscore` (a name in
/// capitals is only lower-cased; otherwise every capital gets a `_` before it, and one leading
/// `_` goes), then lower case, trimmed.
pub fn normalize(name: &str) -> String {
    let lower = if name.chars().all(|c| !c.is_lowercase()) {
        name.to_lowercase()
    } else {
        let mut out = String::with_capacity(name.len() + 4);
        for c in name.trim().chars() {
            if c.is_ascii_uppercase() {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        }
        match out.strip_prefix('_') {
            Some(rest) => rest.to_string(),
            None => out,
        }
    };
    lower.trim().to_string()
}

/// apibuilder's URL key: lower case, anything but `[0-9a-z-_]` becomes `-`, runs of `-` and of
/// `_` collapse, and leading/trailing dashes are trimmed.
pub fn url_key(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for c in name.trim().to_lowercase().chars() {
        let c = if c.is_ascii_digit() || c.is_ascii_lowercase() || c == '-' || c == '_' { c } else { '-' };
        if (c == '-' || c == '_') && out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    out.trim_matches('-').to_string()
}

/// The default namespace of a spec without one: `<org namespace>.<words of key>.v<major>`.
///
/// apigen differs from a plain join in one way: when the key starts with the last segment of the
/// organization namespace, that word is not repeated, so `io.apibuilder` + `apibuilder-common`
/// gives `io.apibuilder.common.v0` (the namespace apibuilder's own specs use), not
/// `io.apibuilder.apibuilder.common.v0`.
pub fn default_namespace(org_namespace: &str, key: &str, major: u64) -> String {
    let mut words: Vec<String> = key.split(['-', '_', '.']).filter(|w| !w.is_empty()).map(str::to_lowercase).collect();
    let org = org_namespace.trim().trim_end_matches('.');
    if let Some(last) = org.rsplit('.').next()
        && words.len() > 1
        && words[0] == last.to_lowercase()
    {
        words.remove(0);
    }
    let mut parts: Vec<String> = Vec::new();
    if !org.is_empty() {
        parts.push(org.to_string());
    }
    parts.extend(words);
    parts.push(format!("v{major}"));
    parts.join(".")
}

/// The major version of a version string (`1.2.3` → 1); `latest` and anything unparsable → 0.
pub fn major_version(version: &str) -> u64 {
    version.trim().split('.').next().and_then(|m| m.parse().ok()).unwrap_or(0)
}

/// English plural of a type name exactly as apibuilder computes it (`lib/Text.pluralize`).
///
/// apibuilder looks at the whole name, never at its last word:
/// 1. a name in [`APIBUILDER_UNCHANGED`] or equal to one of the [`APIBUILDER_PLURALS`] forms
///    (any case) is kept;
/// 2. a name equal to an [`APIBUILDER_PLURALS`] singular (same case) takes its listed plural;
/// 3. a name ending in `es`, `ts` or `data` (same case) is kept;
/// 4. everything else goes to evo-inflector's `English.plural` ([`evo_plural`]).
///
/// So `person` → `people`, but `sales_person` → `sales_persons`: the `person` rule is apibuilder's
/// whole-name lookup, and evo-inflector has no `person` rule. Specs fix odd results with `plural`.
pub fn pluralize(name: &str) -> String {
    let mut kept = APIBUILDER_UNCHANGED.iter().chain(APIBUILDER_PLURALS.iter().map(|(_, plural)| plural));
    if kept.any(|word| word.eq_ignore_ascii_case(name)) {
        return name.to_string();
    }
    if let Some((_, plural)) = APIBUILDER_PLURALS.iter().find(|(singular, _)| *singular == name) {
        return (*plural).to_string();
    }
    if ["es", "ts", "data"].iter().any(|end| name.ends_with(end)) {
        return name.to_string();
    }
    evo_plural(name)
}

/// apibuilder's own plurals (`Text.Plurals`): singular (whole name, case-sensitive) → plural.
const APIBUILDER_PLURALS: &[(&str, &str)] = &[
    ("metadatum", "metadata"),
    ("datum", "data"),
    ("person", "people"),
    ("species", "species"),
    ("epoch", "epochs"),
    ("memo", "memos"),
];

/// Names apibuilder never changes (`Text.KnownPlurals`, besides the plurals above); whole name,
/// any case. `catfish` is not here, but evo-inflector keeps it anyway (see [`UNCOUNTABLE`]).
const APIBUILDER_UNCHANGED: &[&str] = &[
    "bison", "buffalo", "deer", "duck", "fish", "moose", "pike", "plankton", "salmon", "sheep", "squid", "swine",
    "trout",
];

/// One step of evo-inflector's ordered rule list; the first rule that matches decides.
#[derive(Debug)]
enum EvoRule {
    /// The lower-cased word ends with one of the space-separated `endings` (patterns for
    /// [`ends_with_pattern`]): drop the last `strip` characters and append `add`. The rest keeps
    /// its case, as evo's regex replacements do (`NightWolf` → `NightWolves`).
    Suffix { endings: &'static str, strip: usize, add: &'static str },
    /// evo's `irregular(singular, plural)`: a case-insensitive suffix match that keeps the first
    /// letter of the matched ending as written and replaces the rest (`Genus` → `Genera`).
    Irregular(&'static str, &'static str),
}

use EvoRule::{Irregular, Suffix};

/// Shorthand for a [`EvoRule::Suffix`] row, so the table reads as evo's does.
const fn ends(endings: &'static str, strip: usize, add: &'static str) -> EvoRule {
    Suffix { endings, strip, add }
}

/// evo-inflector's `English` rules in its default ANGLICIZED mode, in evo's order (version 1.3,
/// which apibuilder uses; it equals 1.2.2 except that 1.3 keeps the case of a few rewritten
/// endings). evo matches regexes against the end of the whole string, so every rule is a suffix
/// rule here. Rules only the CLASSICAL mode uses, and two that earlier rules always pre-empt
/// (`([cs])h$` → `hes` after `[cs]h` → `es`; a second A→ATA pass adding `es`), are left out.
const EVO_RULES: &[EvoRule] = &[
    ends(UNCOUNTABLE, 0, ""),
    Irregular("child", "children"),
    Irregular("ephemeris", "ephemerides"),
    Irregular("mongoose", "mongoose"),
    Irregular("mythos", "mythoi"),
    Irregular("soliloquy", "soliloquies"),
    Irregular("trilby", "trilbys"),
    Irregular("genus", "genera"),
    Irregular("quiz", "quizzes"),
    // The anglicized choices (classical: beeves, brethren, kine, genii, monies, octopodes, opera).
    Irregular("beef", "beefs"),
    Irregular("brother", "brothers"),
    Irregular("cow", "cows"),
    Irregular("genie", "genies"),
    Irregular("money", "moneys"),
    Irregular("octopus", "octopuses"),
    Irregular("opus", "opuses"),
    // evo's MAN→MANS list also names capitalised demonyms (`German`, `Oklahoman`, ...), but it
    // compares them against the lower-cased word, so only `human` can ever match: `german` → `germen`.
    ends("human", 0, "s"),
    ends("man", 2, "en"),
    ends("[lm]ouse", 4, "ice"),
    ends("tooth", 4, "eeth"),
    ends("goose", 4, "eese"),
    ends("foot", 3, "eet"),
    ends("zoon", 3, "oa"),
    ends("[csx]is", 2, "es"),
    ends(EX_ICES, 2, "ices"),
    ends(IX_ICES, 2, "ices"),
    ends(UM_A, 2, "a"),
    ends(ON_A, 2, "a"),
    ends(A_AE, 1, "ae"),
    ends(US_I, 2, "i"),
    ends("[cs]h [zx]", 0, "es"),
    ends(S_ES, 0, "es"),
    ends(IS_IDES, 0, "es"),
    ends(US_US, 0, "es"),
    ends("us", 0, "es"),
    ends(A_ATA, 0, "s"),
    ends("ss", 2, "sses"),
    ends("[aeo]lf [^d]eaf arf", 1, "ves"),
    ends("[nlw]ife", 2, "ves"),
    ends("[aeiou]y", 0, "s"),
    ends("y", 1, "ies"),
    ends(O_I, 1, "os"),
    ends(O_OS, 1, "os"),
    ends("[aeiou]o", 0, "s"),
    ends("o", 0, "es"),
    ends("ulum", 2, "a"),
    ends("s", 0, "es"),
];

/// Endings evo-inflector never inflects. They match as endings, not as words, so `catfish` and
/// `user_news` stay as they are too.
const UNCOUNTABLE: &str = "\
    fish ois sheep deer pox itis bison flounder pliers bream gallows proceedings breeches graffiti \
    rabies britches headquarters salmon carp herpes scissors chassis high-jinks sea-bass clippers \
    homework series cod innings shears contretemps jackanapes species corps mackerel swine debris \
    measles trout diabetes mews tuna djinn mumps whiting eland news wildebeest elk pincers sugar";
/// `-ex` → `-ices`.
const EX_ICES: &str = "codex murex silex";
/// `-ix` → `-ices`.
const IX_ICES: &str = "radix helix";
/// `-um` → `-a`.
const UM_A: &str = "bacterium agendum desideratum erratum stratum datum ovum extremum candelabrum";
/// `-us` → `-i`.
const US_I: &str = "alumnus alveolus bacillus bronchus locus nucleus stimulus meniscus thesaurus";
/// `-on` → `-a`.
const ON_A: &str = "criterion perihelion aphelion phenomenon prolegomenon noumenon organon asyndeton hyperbaton";
/// `-a` → `-ae`.
const A_AE: &str = "alumna alga vertebra persona";
/// `-o` → `-os` (the general rule for a consonant and `o` gives `-oes`: `info` → `infoes`).
const O_OS: &str = "\
    albino archipelago armadillo commando crescendo fiasco ditto dynamo embryo ghetto guano inferno \
    jumbo lumbago magneto manifesto medico octavo photo pro quarto canto lingo generalissimo stylo rhino \
    casino auto macro zero todo";
/// `-o` → `-os` in the anglicized mode (`-i` in the classical one).
const O_I: &str = "solo soprano basso alto contralto tempo piano virtuoso";
/// `-a` → `-as` in the anglicized mode (`-ata` in the classical one).
const A_ATA: &str = "\
    anathema enema oedema bema enigma sarcoma carcinoma gumma schema charisma lemma soma diploma \
    lymphoma stigma dogma magma stoma drama melisma trauma edema miasma";
/// `-is` → `-ises` in the anglicized mode (`-ides` in the classical one).
const IS_IDES: &str = "iris clitoris";
/// `-us` → `-uses` in the anglicized mode (unchanged in the classical one).
const US_US: &str = "apparatus impetus prospectus cantus nexus sinus coitus plexus status hiatus";
/// Words in `s` that take `-es` (`alias` → `aliases`, `gas` → `gases`).
const S_ES: &str = "\
    acropolis chaos lens aegis cosmos mantis alias dais marquis asbestos digitalis metropolis atlas \
    epidermis pathos bathos ethos pelvis bias gas polis caddis glottis rhinoceros cannabis sassafras \
    canvas ibis trellis";

/// evo-inflector's `English.plural` (anglicized): the first matching [`EVO_RULES`] row, else `+s`.
/// The empty string stays empty, as in evo.
fn evo_plural(word: &str) -> String {
    if word.is_empty() {
        return String::new();
    }
    let lower = word.to_ascii_lowercase();
    let (strip, add) = EVO_RULES
        .iter()
        .find_map(|rule| match *rule {
            Suffix { endings, strip, add } => {
                endings.split_whitespace().any(|ending| ends_with_pattern(&lower, ending)).then_some((strip, add))
            }
            Irregular(singular, plural) => ends_with_pattern(&lower, singular)
                .then(|| (singular.chars().count() - 1, plural.get(1..).unwrap_or_default())),
        })
        .unwrap_or((0, "s"));
    let cut = match strip {
        0 => word.len(),
        n => word.char_indices().rev().nth(n - 1).map_or(0, |(at, _)| at),
    };
    format!("{}{add}", &word[..cut])
}

/// Whether `word` ends with `pattern`, a regex-like suffix of literal characters and bracket
/// classes (`[lm]ouse`, `[^d]eaf`), matched from the end; a class needs a character to match.
fn ends_with_pattern(word: &str, pattern: &str) -> bool {
    let mut chars = word.chars().rev();
    let mut rest = pattern;
    while let Some(last) = rest.chars().next_back() {
        let Some(c) = chars.next() else { return false };
        let matched = match rest.strip_suffix(']').and_then(|r| r.rfind('[').map(|open| (r, open))) {
            Some((r, open)) => {
                let class = &r[open + 1..];
                rest = &r[..open];
                match class.strip_prefix('^') {
                    Some(excluded) => !excluded.contains(c),
                    None => class.contains(c),
                }
            }
            None => {
                rest = &rest[..rest.len() - last.len_utf8()];
                last == c
            }
        };
        if !matched {
            return false;
        }
    }
    true
}

/// `:name` segments of a path, cut at the first `.` as apibuilder does (`/:id.json` → `id`).
pub fn path_parameter_names(path: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for seg in path.split('/') {
        if let Some(rest) = seg.strip_prefix(':') {
            let name = rest.split('.').next().unwrap_or("").to_string();
            if !name.is_empty() && !out.contains(&name) {
                out.push(name);
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn path_parameters_are_cut_at_the_first_dot() {
        assert_eq!(super::path_parameter_names("/users/:id.json/:guid/x"), vec!["id", "guid"]);
        assert!(super::path_parameter_names("/users").is_empty());
    }

    use super::*;

    #[test]
    fn names() {
        assert_eq!(name_problem("user_form"), None);
        assert_eq!(name_problem("_internal"), None);
        assert_eq!(name_problem("io.flow.v0.user"), None);
        assert!(name_problem("_").is_some());
        assert!(name_problem("1user").is_some());
        assert!(name_problem("user!").is_some());
        assert!(name_problem(" ").is_some());
    }

    #[test]
    fn duplicates_compare_camel_and_snake_case_alike() {
        assert_eq!(normalize("someUser"), normalize("some_user"));
        assert_eq!(normalize("SomeUser"), "some_user");
        assert_eq!(normalize("USER_ID"), "user_id");
        // As apibuilder's camelCaseToUnderscore has it: every capital is a word.
        assert_eq!(normalize("HTTPCode"), "h_t_t_p_code");
        assert_eq!(normalize("some_User"), "some__user");
        assert_ne!(normalize("user"), normalize("users"));
    }

    #[test]
    fn url_keys() {
        assert_eq!(url_key("apibuilder common"), "apibuilder-common");
        assert_eq!(url_key("  Foo  Bar!! "), "foo-bar");
        assert_eq!(url_key("lib__event"), "lib_event");
    }

    #[test]
    fn namespaces() {
        assert_eq!(default_namespace("io.apibuilder", "apibuilder-common", 0), "io.apibuilder.common.v0");
        assert_eq!(default_namespace("com.acme", "user", 0), "com.acme.user.v0");
        assert_eq!(default_namespace("io.flow", "lib-event-test", 2), "io.flow.lib.event.test.v2");
        assert_eq!(major_version("1.2.3"), 1);
        assert_eq!(major_version("latest"), 0);
    }

    #[test]
    fn plurals() {
        for (one, many) in [
            ("user", "users"),
            ("user_type", "user_types"),
            ("user_status", "user_statuses"),
            ("category", "categories"),
            ("day", "days"),
            ("address", "addresses"),
            ("box", "boxes"),
            ("Box", "Boxes"),
            ("analysis", "analyses"),
            ("diff_breaking", "diff_breakings"),
            ("deminimis", "deminimises"),
            ("settings", "settingses"),
            ("hs6", "hs6s"),
            ("", ""),
        ] {
            assert_eq!(pluralize(one), many, "{one}");
        }
    }

    #[test]
    fn apibuilder_exceptions_match_the_whole_name() {
        for (one, many) in [
            ("person", "people"),
            ("sales_person", "sales_persons"),
            ("Person", "Persons"),
            ("datum", "data"),
            ("metadatum", "metadata"),
            ("memo", "memos"),
            ("credit_memo", "credit_memoes"),
            ("epoch", "epochs"),
            ("sheep", "sheep"),
            ("Moose", "Moose"),
            ("duck", "duck"),
            ("rubber_duck", "rubber_ducks"),
            ("people", "people"),
            ("metadata", "metadata"),
            ("order_metadata", "order_metadata"),
            ("shipment_estimates", "shipment_estimates"),
            ("payment_requests", "payment_requests"),
        ] {
            assert_eq!(pluralize(one), many, "{one}");
        }
    }

    #[test]
    fn evo_inflector_rules() {
        for (one, many) in [
            ("catfish", "catfish"),
            ("user_news", "user_news"),
            ("child", "children"),
            ("Genus", "Genera"),
            ("quiz", "quizzes"),
            ("money", "moneys"),
            ("human", "humans"),
            ("woman", "women"),
            ("german", "germen"),
            ("mouse", "mice"),
            ("foot", "feet"),
            ("protozoon", "protozoa"),
            ("axis", "axes"),
            ("codex", "codices"),
            ("index", "indexes"),
            ("bacterium", "bacteria"),
            ("criterion", "criteria"),
            ("alga", "algae"),
            ("stimulus", "stimuli"),
            ("church", "churches"),
            ("alias", "aliases"),
            ("iris", "irises"),
            ("virus", "viruses"),
            ("schema", "schemas"),
            ("half", "halves"),
            ("NightWolf", "NightWolves"),
            ("leaf", "leaves"),
            ("deaf", "deafs"),
            ("knife", "knives"),
            ("key", "keys"),
            ("photo", "photos"),
            ("todo", "todos"),
            ("tempo", "tempos"),
            ("video", "videos"),
            ("info", "infoes"),
            ("curriculum", "curricula"),
            ("ox", "oxes"),
        ] {
            assert_eq!(pluralize(one), many, "{one}");
        }
    }
}
