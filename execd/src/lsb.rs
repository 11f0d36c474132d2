//! Meta-data of LSB init scripts, synthesised from their `### BEGIN INIT
//! INFO` header as Pacemaker's `services__get_lsb_metadata()` does.

use pcmk_common::xml::escape_text;

/// Header fields read from an init script.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct InitInfo {
    provides: Option<String>,
    required_start: Option<String>,
    required_stop: Option<String>,
    should_start: Option<String>,
    should_stop: Option<String>,
    default_start: Option<String>,
    default_stop: Option<String>,
    short_desc: Option<String>,
    long_desc: Option<String>,
}

fn take(slot: &mut Option<String>, line: &str, prefix: &str) -> bool {
    if slot.is_none()
        && let Some(v) = line.strip_prefix(prefix)
    {
        *slot = Some(escape_text(v).into_owned());
        return true;
    }
    false
}

fn parse_init_info(script: &str) -> InitInfo {
    let mut info = InitInfo::default();
    let mut in_header = false;
    let mut lines = script.split_inclusive('\n').peekable();
    while let Some(raw) = lines.next() {
        let line = raw.strip_suffix('\n').unwrap_or(raw);
        if line.starts_with("### BEGIN INIT INFO") {
            in_header = true;
            continue;
        }
        if !in_header {
            continue;
        }
        if take(&mut info.provides, line, "# Provides:")
            || take(&mut info.required_start, line, "# Required-Start:")
            || take(&mut info.required_stop, line, "# Required-Stop:")
            || take(&mut info.should_start, line, "# Should-Start:")
            || take(&mut info.should_stop, line, "# Should-Stop:")
            || take(&mut info.default_start, line, "# Default-Start:")
            || take(&mut info.default_stop, line, "# Default-Stop:")
            || take(&mut info.short_desc, line, "# Short-Description:")
        {
            continue;
        }
        if info.long_desc.is_none()
            && let Some(first) = raw.strip_prefix("# Description:")
        {
            let mut desc = first.to_string();
            while let Some(next) = lines.peek() {
                if next.starts_with("#  ") || next.starts_with("#\t") {
                    desc.push_str(&next[1..]);
                    lines.next();
                } else {
                    break;
                }
            }
            info.long_desc = Some(escape_text(&desc).into_owned());
            continue;
        }
        if line.starts_with("### END INIT INFO") || !line.starts_with('#') {
            break;
        }
    }
    info
}

/// The meta-data XML of LSB agent `name` whose script text is `script`.
pub fn metadata(name: &str, script: &str) -> String {
    let i = parse_init_info(script);
    let s = |v: &Option<String>| v.clone().unwrap_or_default();
    let ename = escape_text(name);
    format!(
        "<?xml version='1.0'?>\n\
<resource-agent name='{name}' version='0.1'>\n\
\x20 <version>1.1</version>\n\
\x20 <longdesc lang='en'>\n{long}  </longdesc>\n\
\x20 <shortdesc lang='en'>{short}</shortdesc>\n\
\x20 <parameters/>\n\
\x20 <actions>\n\
\x20   <action name='meta-data' timeout='5s' />\n\
\x20   <action name='start' timeout='15s' />\n\
\x20   <action name='stop' timeout='15s' />\n\
\x20   <action name='status' timeout='15s' />\n\
\x20   <action name='restart' timeout='15s' />\n\
\x20   <action name='force-reload' timeout='15s' />\n\
\x20   <action name='monitor' timeout='15s' interval='15s' />\n\
\x20 </actions>\n\
\x20 <special tag='LSB'>\n\
\x20   <Provides>{p}</Provides>\n\
\x20   <Required-Start>{rs}</Required-Start>\n\
\x20   <Required-Stop>{rp}</Required-Stop>\n\
\x20   <Should-Start>{ss}</Should-Start>\n\
\x20   <Should-Stop>{sp}</Should-Stop>\n\
\x20   <Default-Start>{ds}</Default-Start>\n\
\x20   <Default-Stop>{dp}</Default-Stop>\n\
\x20 </special>\n\
</resource-agent>\n",
        name = ename,
        long = i.long_desc.clone().unwrap_or_else(|| ename.to_string()),
        short = i.short_desc.clone().unwrap_or_else(|| ename.to_string()),
        p = s(&i.provides),
        rs = s(&i.required_start),
        rp = s(&i.required_stop),
        ss = s(&i.should_start),
        sp = s(&i.should_stop),
        ds = s(&i.default_start),
        dp = s(&i.default_stop),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCRIPT: &str = "#!/bin/sh\n### BEGIN INIT INFO\n# Provides: foo\n# Required-Start: $remote_fs\n# Short-Description: Foo <daemon>\n# Description: First line\n#  second line\n#\tthird\n# Default-Start: 2 3\n### END INIT INFO\necho\n";

    #[test]
    fn header_fields() {
        let i = parse_init_info(SCRIPT);
        assert_eq!(i.provides.as_deref(), Some(" foo"));
        assert_eq!(i.short_desc.as_deref(), Some(" Foo &lt;daemon&gt;"));
        assert_eq!(
            i.long_desc.as_deref(),
            Some(" First line\n  second line\n\tthird\n")
        );
        assert_eq!(i.default_start.as_deref(), Some(" 2 3"));
        let md = metadata("foo", SCRIPT);
        let doc = pcmk_common::xml::parse(&md).unwrap();
        assert_eq!(doc.attr("name"), Some("foo"));
        assert!(md.contains("<Provides> foo</Provides>"));
    }

    proptest::proptest! {
        /// Whatever an init script's header holds, the meta-data is XML.
        #[test]
        fn metadata_is_always_xml(name in "[a-z][a-z0-9._-]{0,12}", header in proptest::collection::vec("[ -~<>&'\"\t]{0,40}", 0..12)) {
            let mut script = String::from("#!/bin/sh\n### BEGIN INIT INFO\n");
            let fields = ["# Provides:", "# Short-Description:", "# Description:", "#  ", "# Required-Start:", "# Default-Stop:"];
            for (i, h) in header.iter().enumerate() {
                script.push_str(fields[i % fields.len()]);
                script.push_str(h);
                script.push('\n');
            }
            script.push_str("### END INIT INFO\n");
            let md = metadata(&name, &script);
            let doc = pcmk_common::xml::parse(&md);
            proptest::prop_assert!(doc.is_ok(), "{md}");
        }
    }

    #[test]
    fn no_header_uses_name() {
        let md = metadata("bar", "#!/bin/sh\nexit 0\n");
        assert!(md.contains("<shortdesc lang='en'>bar</shortdesc>"));
    }
}
