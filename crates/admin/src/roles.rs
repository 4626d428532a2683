//! The admin, operations and reader roles of the admin API.
//!
//! admin: users and groups of `administrator-role`, and members of an
//! `adminGroup` group; operations: members of an `operationsGroup` group;
//! reader: members of a `readerGroup` group. Each role includes the ones below it.

use zconnect_config::archive::Requester;
use zconnect_config::Config;

use crate::auth::Caller;

/// Permission level of an admin API caller, ordered from least to most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    /// GET routes.
    Reader,
    /// GET routes and status changes.
    Operations,
    /// Every route.
    Admin,
}

/// The group names that grant each role for one scope.
#[derive(Debug, Clone, Copy)]
pub struct RoleGroups<'a> {
    pub admin: &'a [String],
    pub operations: &'a [String],
    pub reader: &'a [String],
}

impl<'a> RoleGroups<'a> {
    /// Groups for routes that concern the whole server: the `global...Group`
    /// attributes of `zosconnect_zosConnectManager`.
    pub fn global(config: &'a Config) -> Self {
        RoleGroups {
            admin: &config.manager.global_admin_groups,
            operations: &config.manager.global_operations_groups,
            reader: &config.manager.global_reader_groups,
        }
    }

    /// Groups for routes about the API requesters as a whole (the list, a
    /// deployment): the attributes of `zosconnect_apiRequesters`, each one not
    /// written there taken from the manager's `global...Group`.
    pub fn requesters(config: &'a Config) -> Self {
        let defaults = &config.api_requesters.defaults;
        RoleGroups {
            admin: &defaults.admin_groups,
            operations: &defaults.operations_groups,
            reader: &defaults.reader_groups,
        }
    }

    /// Groups for routes about one requester; they are already resolved from
    /// `apiRequester`, `zosconnect_apiRequesters` and the manager.
    pub fn requester(requester: &'a Requester) -> Self {
        let settings = &requester.settings;
        RoleGroups {
            admin: &settings.admin_groups,
            operations: &settings.operations_groups,
            reader: &settings.reader_groups,
        }
    }
}

/// Returns the highest role the caller has in this scope, if any.
pub fn role_of(caller: &Caller, config: &Config, groups: RoleGroups<'_>) -> Option<Role> {
    let administrator = &config.administrator_role;
    let is_admin = administrator.users.contains(&caller.user)
        || caller.in_any(&administrator.groups)
        || caller.in_any(groups.admin);

    if is_admin {
        Some(Role::Admin)
    } else if caller.in_any(groups.operations) {
        Some(Role::Operations)
    } else if caller.in_any(groups.reader) {
        Some(Role::Reader)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn caller(user: &str, groups: &[&str]) -> Caller {
        Caller {
            user: user.to_owned(),
            groups: groups
                .iter()
                .map(|g| (*g).to_owned())
                .collect::<BTreeSet<_>>(),
        }
    }

    fn names(list: &[&str]) -> Vec<String> {
        list.iter().map(|name| (*name).to_owned()).collect()
    }

    #[test]
    fn administrator_role_user_is_admin() {
        let mut config = Config::default();
        config.administrator_role.users = names(&["root"]);
        let role = role_of(&caller("root", &[]), &config, RoleGroups::global(&config));
        assert_eq!(role, Some(Role::Admin));
    }

    #[test]
    fn administrator_role_group_is_admin() {
        let mut config = Config::default();
        config.administrator_role.groups = names(&["admins"]);
        let role = role_of(
            &caller("carol", &["admins"]),
            &config,
            RoleGroups::global(&config),
        );
        assert_eq!(role, Some(Role::Admin));
    }

    #[test]
    fn global_groups_grant_operations_and_reader() {
        let mut config = Config::default();
        config.manager.global_operations_groups = names(&["ops"]);
        config.manager.global_reader_groups = names(&["read"]);
        let groups = RoleGroups::global(&config);
        assert_eq!(
            role_of(&caller("o", &["ops"]), &config, groups),
            Some(Role::Operations)
        );
        assert_eq!(
            role_of(&caller("r", &["read"]), &config, groups),
            Some(Role::Reader)
        );
        assert_eq!(role_of(&caller("n", &["other"]), &config, groups), None);
    }

    #[test]
    fn highest_role_wins() {
        let mut config = Config::default();
        config.manager.global_admin_groups = names(&["a"]);
        config.manager.global_reader_groups = names(&["r"]);
        let role = role_of(
            &caller("x", &["r", "a"]),
            &config,
            RoleGroups::global(&config),
        );
        assert_eq!(role, Some(Role::Admin));
    }
}
