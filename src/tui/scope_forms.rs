//! The scope-operations form (`S`): which operation, on the environment or its whole
//! project, and the other name for rename, copy and diff. Turns the fields into a
//! [`ScopeOp`]; a bare name in `To` means an environment of the same project.

use super::scopes::ScopeOp;
use crate::{EnvName, ProjectName, Scope, Target};

/// The operations, in the order the form cycles them.
pub const OPS: &[&str] = &["remove", "purge", "rename", "copy", "diff"];
/// What the operation acts on.
pub const OF: &[&str] = &["environment", "project"];

/// The operation the fields describe, or why they do not describe one.
pub fn ops_submit(scope: &Scope, op: &str, of: &str, to: &str) -> Result<ScopeOp, String> {
    let whole = of == "project";
    let from = if whole {
        Target::Project(scope.project.clone())
    } else {
        Target::Scope(scope.clone())
    };
    match op {
        "remove" => return Ok(ScopeOp::Remove(from)),
        "purge" => return Ok(ScopeOp::Purge(from)),
        _ => {}
    }
    if to.is_empty() {
        let example = if whole { "new-name" } else { "staging" };
        return Err(format!(
            "type the other name in To, e.g. {example}{}",
            if whole { "" } else { " or app/staging" }
        ));
    }
    let to = other(scope, whole, to)?;
    match (op, to) {
        ("rename", to) => Ok(ScopeOp::Rename(from, to)),
        ("copy", to) => Ok(ScopeOp::Copy(from, to)),
        ("diff", Target::Scope(b)) => Ok(ScopeOp::Diff(scope.clone(), b)),
        _ => Err("diff compares two environments: choose Of environment".into()),
    }
}

/// `to` as a target of the same kind: a project name, or an environment (a bare name is
/// one of `scope`'s project).
fn other(scope: &Scope, whole: bool, to: &str) -> Result<Target, String> {
    let bad = |e: crate::Error| e.to_string();
    if whole {
        return ProjectName::new(to).map(Target::Project).map_err(bad);
    }
    if to.contains('/') {
        return Scope::parse(to).map(Target::Scope).map_err(bad);
    }
    let env = EnvName::new(to).map_err(bad)?;
    Ok(Target::Scope(Scope {
        project: scope.project.clone(),
        env,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(x: &str) -> Scope {
        Scope::parse(x).unwrap()
    }

    #[test]
    fn fields_become_the_operation() {
        let app = s("app/dev");
        assert_eq!(
            ops_submit(&app, "remove", "environment", ""),
            Ok(ScopeOp::Remove(Target::Scope(app.clone())))
        );
        assert_eq!(
            ops_submit(&app, "rename", "environment", "staging"),
            Ok(ScopeOp::Rename(
                Target::Scope(app.clone()),
                Target::Scope(s("app/staging"))
            ))
        );
        assert_eq!(
            ops_submit(&app, "copy", "project", "app2"),
            Ok(ScopeOp::Copy(
                Target::Project(app.project.clone()),
                Target::Project(ProjectName::new("app2").unwrap())
            ))
        );
        assert_eq!(
            ops_submit(&app, "diff", "environment", "web/prod"),
            Ok(ScopeOp::Diff(app.clone(), s("web/prod")))
        );
        assert!(ops_submit(&app, "rename", "environment", "").is_err());
        assert!(ops_submit(&app, "diff", "project", "x").is_err());
        assert!(ops_submit(&app, "rename", "environment", "bad name!").is_err());
    }
}
