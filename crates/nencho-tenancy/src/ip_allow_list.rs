//! The contract's IP allow-list (SEC-2): when it has entries, the tenant's site answers only
//! clients whose address falls in one of them. At most 100 entries per contract.

use std::net::IpAddr;

use ipnet::IpNet;

/// One allowed network, with the customer's own note for it (e.g. 本社, VPN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IpAllowEntry {
    network: IpNet,
    note: String,
}

#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum IpAllowListError {
    #[error(
        "「{0}」は IP アドレスでもネットワーク(CIDR)でもありません (not an IP address or CIDR network)"
    )]
    NotANetwork(String),
    #[error(
        "「{given}」はホスト部が 0 ではありません。{canonical} のことですか? (host bits are set: did you mean {canonical}?)"
    )]
    HostBitsSet { given: String, canonical: String },
    #[error("登録できるのは {max} 件までです (at most {max} entries)")]
    TooMany { max: usize },
    #[error("メモは {max} 文字までです (a note holds at most {max} characters)")]
    NoteTooLong { max: usize },
}

impl IpAllowEntry {
    pub const NOTE_MAX_CHARACTERS: usize = 100;

    /// Reads `192.0.2.10`, `192.0.2.0/24`, `2001:db8::/48`. A bare address is a single host
    /// (/32 or /128); an IPv4-mapped IPv6 network is read as the IPv4 one, since that is how
    /// clients are compared. A network with host bits set (`192.0.2.7/24`) is refused rather
    /// than silently widened or narrowed: it is almost always a typo.
    pub fn parse(text: &str, note: &str) -> Result<Self, IpAllowListError> {
        let trimmed = text.trim();
        let network = match trimmed.parse::<IpNet>() {
            Ok(network) => network,
            Err(_) => match trimmed.parse::<IpAddr>() {
                Ok(address) => IpNet::from(address),
                Err(_) => return Err(IpAllowListError::NotANetwork(trimmed.to_owned())),
            },
        };
        let network = unmap_ipv4(network);
        if network.trunc() != network {
            return Err(IpAllowListError::HostBitsSet {
                given: trimmed.to_owned(),
                canonical: network.trunc().to_string(),
            });
        }
        let note = note.trim();
        if note.chars().count() > Self::NOTE_MAX_CHARACTERS {
            return Err(IpAllowListError::NoteTooLong {
                max: Self::NOTE_MAX_CHARACTERS,
            });
        }
        Ok(Self {
            network,
            note: note.to_owned(),
        })
    }

    pub fn network(&self) -> IpNet {
        self.network
    }

    pub fn note(&self) -> &str {
        &self.note
    }
}

/// The entries of one contract, canonical: no duplicates, sorted by network. Empty means no
/// restriction (every address is allowed), which is how a contract starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpAllowList {
    entries: Vec<IpAllowEntry>,
}

impl IpAllowList {
    /// SEC-2: up to 100 entries per contract.
    pub const MAX_ENTRIES: usize = 100;

    /// The list of `entries`; a network given twice keeps its last note.
    pub fn new(entries: Vec<IpAllowEntry>) -> Result<Self, IpAllowListError> {
        let mut canonical: Vec<IpAllowEntry> = Vec::with_capacity(entries.len());
        for entry in entries {
            match canonical
                .iter_mut()
                .find(|kept| kept.network == entry.network)
            {
                Some(kept) => kept.note = entry.note,
                None => canonical.push(entry),
            }
        }
        if canonical.len() > Self::MAX_ENTRIES {
            return Err(IpAllowListError::TooMany {
                max: Self::MAX_ENTRIES,
            });
        }
        canonical.sort_by_key(|entry| entry.network);
        Ok(Self { entries: canonical })
    }

    pub fn entries(&self) -> &[IpAllowEntry] {
        &self.entries
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// This list with `entry` added (or its note replaced).
    pub fn with(&self, entry: IpAllowEntry) -> Result<Self, IpAllowListError> {
        let mut entries = self.entries.clone();
        entries.push(entry);
        Self::new(entries)
    }

    /// This list without `network`; `None` when it is not in the list.
    pub fn without(&self, network: IpNet) -> Option<Self> {
        let network = unmap_ipv4(network);
        let entries: Vec<IpAllowEntry> = self
            .entries
            .iter()
            .filter(|entry| entry.network != network)
            .cloned()
            .collect();
        (entries.len() != self.entries.len()).then_some(Self { entries })
    }

    /// Whether a client at `address` may use the site.
    pub fn permits(&self, address: IpAddr) -> bool {
        if self.entries.is_empty() {
            return true;
        }
        let address = unmap_ipv4_address(address);
        self.entries
            .iter()
            .any(|entry| entry.network.contains(&address))
    }
}

/// `::ffff:192.0.2.1` as `192.0.2.1`: a dual-stack socket reports IPv4 clients this way.
pub fn unmap_ipv4_address(address: IpAddr) -> IpAddr {
    match address {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(IpAddr::V6(v6), IpAddr::V4),
        v4 => v4,
    }
}

fn unmap_ipv4(network: IpNet) -> IpNet {
    match network {
        IpNet::V6(v6) if v6.prefix_len() >= 96 => match v6.addr().to_ipv4_mapped() {
            Some(v4) => ipnet::Ipv4Net::new(v4, v6.prefix_len() - 96).map_or(network, IpNet::V4),
            None => network,
        },
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(text: &str) -> IpAllowEntry {
        IpAllowEntry::parse(text, "").unwrap()
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_empty_list_restricts_nobody() {
        let list = IpAllowList::default();
        assert!(list.permits(ip("203.0.113.9")));
        assert!(list.permits(ip("2001:db8::1")));
    }

    #[test]
    fn addresses_inside_an_entry_are_permitted_and_others_refused() {
        let list = IpAllowList::new(vec![entry("192.0.2.0/24"), entry("2001:db8:1::/48")]).unwrap();
        assert!(list.permits(ip("192.0.2.0")));
        assert!(list.permits(ip("192.0.2.255")));
        assert!(!list.permits(ip("192.0.3.0")));
        assert!(!list.permits(ip("192.0.1.255")));
        assert!(list.permits(ip("2001:db8:1:ffff::1")));
        assert!(!list.permits(ip("2001:db8:2::1")));
        // A dual-stack socket's view of an IPv4 client.
        assert!(list.permits(ip("::ffff:192.0.2.7")));
        assert!(!list.permits(ip("::ffff:198.51.100.7")));
    }

    #[test]
    fn a_bare_address_is_one_host() {
        let single = entry("198.51.100.7");
        assert_eq!(single.network().to_string(), "198.51.100.7/32");
        let list = IpAllowList::new(vec![single]).unwrap();
        assert!(list.permits(ip("198.51.100.7")));
        assert!(!list.permits(ip("198.51.100.8")));
        assert_eq!(
            entry("2001:db8::1").network().to_string(),
            "2001:db8::1/128"
        );
        assert_eq!(
            entry("::ffff:192.0.2.0/120").network().to_string(),
            "192.0.2.0/24"
        );
    }

    #[test]
    fn typos_are_refused_with_the_reason() {
        assert_eq!(
            IpAllowEntry::parse("192.0.2.7/24", ""),
            Err(IpAllowListError::HostBitsSet {
                given: "192.0.2.7/24".into(),
                canonical: "192.0.2.0/24".into()
            })
        );
        assert!(matches!(
            IpAllowEntry::parse("192.0.2.300", ""),
            Err(IpAllowListError::NotANetwork(_))
        ));
        assert!(matches!(
            IpAllowEntry::parse("192.0.2.0/33", ""),
            Err(IpAllowListError::NotANetwork(_))
        ));
        assert!(IpAllowEntry::parse("", "").is_err());
        assert!(IpAllowEntry::parse("192.0.2.1", &"あ".repeat(101)).is_err());
        assert!(IpAllowEntry::parse(" 192.0.2.1 ", &"あ".repeat(100)).is_ok());
    }

    #[test]
    fn at_most_one_hundred_distinct_entries() {
        let hosts = |n: usize| -> Vec<IpAllowEntry> {
            (0..n)
                .map(|i| entry(&format!("10.0.{}.{}", i / 256, i % 256)))
                .collect()
        };
        assert_eq!(IpAllowList::new(hosts(100)).unwrap().entries().len(), 100);
        assert_eq!(
            IpAllowList::new(hosts(101)),
            Err(IpAllowListError::TooMany { max: 100 })
        );
        // Duplicates count once, the last note wins.
        let mut twice = hosts(100);
        twice.push(IpAllowEntry::parse("10.0.0.0", "本社").unwrap());
        let list = IpAllowList::new(twice).unwrap();
        assert_eq!(list.entries().len(), 100);
        assert_eq!(list.entries()[0].note(), "本社");
        assert!(list.with(entry("10.9.9.9")).is_err());
    }

    #[test]
    fn entries_are_kept_sorted_and_removable() {
        let list = IpAllowList::new(vec![entry("203.0.113.0/24"), entry("192.0.2.0/24")]).unwrap();
        let networks: Vec<String> = list
            .entries()
            .iter()
            .map(|e| e.network().to_string())
            .collect();
        assert_eq!(networks, ["192.0.2.0/24", "203.0.113.0/24"]);
        let smaller = list.without("192.0.2.0/24".parse().unwrap()).unwrap();
        assert_eq!(smaller.entries().len(), 1);
        assert!(smaller.without("192.0.2.0/24".parse().unwrap()).is_none());
    }
}
