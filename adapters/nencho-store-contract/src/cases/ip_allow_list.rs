use nencho_ports::Store;
use nencho_tenancy::{IpAllowEntry, IpAllowList};

use super::support::{clock, tenant};

fn list(networks: &[(&str, &str)]) -> IpAllowList {
    IpAllowList::new(
        networks
            .iter()
            .map(|(network, note)| IpAllowEntry::parse(network, note).unwrap())
            .collect(),
    )
    .unwrap()
}

pub async fn the_ip_allow_list_is_replaced_whole_and_kept_per_tenant(store: &dyn Store) {
    let clock = clock();
    let acme = tenant("acme", "アクメ", &clock);
    let beta = tenant("beta", "ベータ", &clock);
    store.insert_tenant(&acme).await.unwrap();
    store.insert_tenant(&beta).await.unwrap();
    assert!(store.ip_allow_list(acme.id).await.unwrap().is_empty());

    let office = list(&[
        ("203.0.113.0/24", "本社"),
        ("2001:db8:1::/48", "VPN"),
        ("192.0.2.7", ""),
    ]);
    store.replace_ip_allow_list(acme.id, &office).await.unwrap();
    assert_eq!(store.ip_allow_list(acme.id).await.unwrap(), office);
    assert!(
        store.ip_allow_list(beta.id).await.unwrap().is_empty(),
        "one contract's list never applies to another"
    );

    let moved = list(&[("198.51.100.0/24", "新オフィス")]);
    store.replace_ip_allow_list(acme.id, &moved).await.unwrap();
    assert_eq!(store.ip_allow_list(acme.id).await.unwrap(), moved);

    let full = IpAllowList::new(
        (0..IpAllowList::MAX_ENTRIES)
            .map(|i| IpAllowEntry::parse(&format!("10.0.{i}.0/24"), "拠点").unwrap())
            .collect(),
    )
    .unwrap();
    store.replace_ip_allow_list(beta.id, &full).await.unwrap();
    assert_eq!(store.ip_allow_list(beta.id).await.unwrap(), full);
    assert_eq!(store.ip_allow_list(acme.id).await.unwrap(), moved);

    store
        .replace_ip_allow_list(acme.id, &IpAllowList::default())
        .await
        .unwrap();
    assert!(store.ip_allow_list(acme.id).await.unwrap().is_empty());
    assert_eq!(store.ip_allow_list(beta.id).await.unwrap(), full);
}
