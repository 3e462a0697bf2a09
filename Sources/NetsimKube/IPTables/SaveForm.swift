import NetsimModel

/// Rules as `iptables-save` prints them back from the kernel (iptables 1.8, nf_tables and legacy
/// alike), so a node's real `iptables-save` can be diffed against netsim's without normalising:
///
/// - per table, the built-in chains in hook order, then the user chains sorted; rules grouped
///   by chain in that order;
/// - in each rule: `-s`, `-d` (with `/32` for a single address), `-i`, `-o`, `-p` first, then
///   the matches in the order written, each in its module's own form (`recent` with its mask
///   and `--rsource`, `statistic` probabilities as the kernel's 31-bit fraction to 11 decimals,
///   comments quoted only when they hold a character outside `[A-Za-z0-9_-]`), then the target
///   (`MARK --or-mark`/`--xor-mark` as `--set-xmark`, `REJECT` with its default
///   `--reject-with icmp-port-unreachable`).
///
/// `ip6tables-save` (`family: .ipv6`) differs in three defaults: a single address is `/128`,
/// `recent`'s mask is all ones in IPv6 notation, `REJECT` answers `icmp6-port-unreachable`
/// (ip6tables 1.8, libip6t_REJECT.c, libxt_recent.c).
///
/// A test loads netsim's rules into a network namespace and compares the kernel's
/// `iptables-save` with this form byte for byte.
public enum IPTablesSaveForm {
    /// The whole dump (without iptables-save's `#` comment lines; counters as declared).
    public static func text(_ dump: IPTablesDump) -> String { text(dump, family: .ipv4) }

    /// `text(_:)` as iptables-save (`.ipv4`) or ip6tables-save (`.ipv6`) prints it.
    public static func text(_ dump: IPTablesDump, family: IPFamily) -> String {
        var out = ""
        for t in dump.tables {
            out += "*\(t.name)\n"
            let builtins = NetfilterTable(rawValue: t.name)?.builtinChains.map(\.rawValue) ?? []
            var declared: [String: IPTablesDump.Chain] = [:]
            for c in t.chains where !c.deleted { declared[c.name] = c }
            let users = declared.keys.filter { !builtins.contains($0) }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
            for b in builtins {
                let c = declared[b]
                out += ":\(b) \(c.map { $0.policy == "-" ? "ACCEPT" : $0.policy } ?? "ACCEPT") [\(c?.packets ?? 0):\(c?.bytes ?? 0)]\n"
            }
            for u in users { out += ":\(u) - [0:0]\n" }
            for name in builtins + users {
                for r in declared[name]?.rules ?? [] { out += rule(r, family: family) + "\n" }
            }
            out += "COMMIT\n"
        }
        return out
    }

    /// `value` as iptables-save writes a string argument.
    public static func quote(_ value: String) -> String {
        let plain = !value.isEmpty && value.utf8.allSatisfy { c in
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
        }
        if plain { return value }
        var out = "\""
        for ch in value {
            if ch == "\"" || ch == "\\" || ch == "'" { out.append("\\") }
            out.append(ch)
        }
        return out + "\""
    }

    /// What iptables-save prints for a `--probability` given to iptables-restore
    /// (libxt_statistic.c): the text parsed to a double, stored as the u32 lround(2^31 × p), and
    /// printed back as `%.11f` of u/2^31. u/2^31 is a dyadic fraction, so its exact decimal
    /// expansion is computed here in integers, u × 5^11 / 2^20 with the remainder deciding, and
    /// rounded as glibc's printf rounds an exact value: ties to even (1/4096 → u = 524288 →
    /// 0.000244140625 → 0.00024414062).
    static func probability(_ text: String) -> String {
        guard let p = Double(text), p >= 0, p <= 1 else { return text }
        let u = Int64((p * 2147483648.0).rounded(.toNearestOrAwayFromZero))
        let scaled = u * 48_828_125          // u × 5^11 < 2^31 × 5^11 < 2^57
        var q = scaled >> 20                 // ÷ 2^20: u × 10^11 / 2^31
        let rem = scaled & ((1 << 20) - 1)
        if rem > (1 << 19) || (rem == (1 << 19) && q % 2 == 1) { q += 1 }
        let whole = q / 100_000_000_000
        let f = String(q % 100_000_000_000)
        return "\(whole)." + String(repeating: "0", count: 11 - f.count) + f
    }

    /// One `-A` line in iptables-save's form.
    public static func rule(_ line: String) -> String { rule(line, family: .ipv4) }

    /// `rule(_:)` as iptables-save (`.ipv4`) or ip6tables-save (`.ipv6`) prints it.
    public static func rule(_ line: String, family: IPFamily) -> String {
        let w = IPTablesRule.words(line)
        guard w.count >= 2, w[0] == "-A" else { return line }
        var basics: [String: String] = [:]   // "-s" → "! -s 10.0.0.0/8"
        var modules: [(name: String, options: [String])] = []
        var target: (name: String, options: [String])? = nil
        var neg = false
        var i = 2
        func address(_ a: String) -> String { a.contains("/") ? a : a + (family == .ipv6 ? "/128" : "/32") }
        while i < w.count {
            let k = w[i]
            let v = i + 1 < w.count ? w[i + 1] : ""
            switch k {
            case "!":
                neg = true; i += 1
                if target == nil, !modules.isEmpty, i < w.count, w[i].hasPrefix("--") { modules[modules.count - 1].options.append("!"); neg = false }
                continue
            case "-s", "--source": basics["-s"] = (neg ? "! " : "") + "-s " + address(v); i += 2
            case "-d", "--destination": basics["-d"] = (neg ? "! " : "") + "-d " + address(v); i += 2
            case "-i", "--in-interface": basics["-i"] = (neg ? "! " : "") + "-i " + v; i += 2
            case "-o", "--out-interface": basics["-o"] = (neg ? "! " : "") + "-o " + v; i += 2
            case "-p", "--protocol": basics["-p"] = (neg ? "! " : "") + "-p " + v; i += 2
            case "-m", "--match": modules.append((v, [])); i += 2
            case "-j", "--jump": target = (v, []); i += 2
            default:
                if target != nil { target?.options.append(k) } else if !modules.isEmpty { modules[modules.count - 1].options.append(k) }
                i += 1
            }
            neg = false
        }
        var out = "-A \(w[1])"
        for key in ["-s", "-d", "-i", "-o", "-p"] { if let b = basics[key] { out += " " + b } }
        for m in modules { out += " -m \(m.name)" + render(module: m.name, m.options, family: family) }
        if let t = target { out += " -j \(t.name)" + render(target: t.name, t.options, family: family) }
        return out
    }

    static func join(_ words: [String]) -> String { words.isEmpty ? "" : " " + words.joined(separator: " ") }

    static func value(_ options: [String], _ key: String) -> String? {
        guard let i = options.firstIndex(of: key), i + 1 < options.count else { return nil }
        return options[i + 1]
    }

    static func render(module name: String, _ o: [String], family: IPFamily = .ipv4) -> String {
        switch name {
        case "comment":
            return " --comment " + quote(value(o, "--comment") ?? "")
        case "statistic":
            var out = " --mode " + (value(o, "--mode") ?? "random")
            if let p = value(o, "--probability") { out += " --probability " + probability(p) }
            if let n = value(o, "--every") { out += " --every \(n) --packet \(value(o, "--packet") ?? "0")" }
            return out
        case "recent":
            var out = ""
            for mode in ["--set", "--rcheck", "--update", "--remove"] where o.contains(mode) { out += " " + mode }
            if let s = value(o, "--seconds") { out += " --seconds \(s)" }
            if o.contains("--reap") { out += " --reap" }
            if let h = value(o, "--hitcount") { out += " --hitcount \(h)" }
            if o.contains("--rttl") { out += " --rttl" }
            let allOnes = family == .ipv6 ? "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff" : "255.255.255.255"
            out += " --name \(value(o, "--name") ?? "DEFAULT") --mask \(value(o, "--mask") ?? allOnes)"
            out += o.contains("--rdest") ? " --rdest" : " --rsource"
            return out
        default:
            return join(o)
        }
    }

    static func render(target name: String, _ o: [String], family: IPFamily = .ipv4) -> String {
        switch name {
        case "MARK":
            if let v = value(o, "--or-mark") { return " --set-xmark \(v)/\(v)" }
            if let v = value(o, "--xor-mark") { return " --set-xmark \(v)/0x0" }
            if let v = value(o, "--set-mark") { return " --set-xmark " + (v.contains("/") ? v : v + "/0xffffffff") }
            return join(o)
        case "CONNMARK":
            // `--mask M` with --restore-mark or --save-mark is saved as both masks.
            if let m = value(o, "--mask"), o.contains("--restore-mark") || o.contains("--save-mark") {
                return " " + (o.contains("--restore-mark") ? "--restore-mark" : "--save-mark") + " --nfmask \(m) --ctmask \(m)"
            }
            return join(o)
        case "REJECT":
            return o.isEmpty ? (family == .ipv6 ? " --reject-with icmp6-port-unreachable" : " --reject-with icmp-port-unreachable") : join(o)
        default:
            return join(o)
        }
    }
}
