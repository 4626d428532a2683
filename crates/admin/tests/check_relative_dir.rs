//! `zconnect check` with a server directory given relative to the current
//! folder: every path derived from it is absolute and names it once.

use std::process::Command;

#[test]
fn relative_server_dir_gives_the_archive_folder_once() {
    let folder = tempfile::tempdir().expect("temporary folder");
    std::fs::create_dir(folder.path().join("srv")).expect("create srv");
    std::fs::write(
        folder.path().join("srv/server.xml"),
        "<server>\n<zosconnect_apiRequesters/>\n</server>\n",
    )
    .expect("write server.xml");

    let output = Command::new(env!("CARGO_BIN_EXE_zconnect"))
        .args(["check", "srv"])
        .current_dir(folder.path())
        .output()
        .expect("run zconnect check");

    let text = String::from_utf8_lossy(&output.stdout);
    let canonical = folder.path().canonicalize().expect("canonical folder");
    let expected_ends = "/srv/resources/zosconnect/apiRequesters does not exist";
    assert!(text.contains(expected_ends), "{text}");
    assert!(!text.contains("srv/srv"), "{text}");
    let absolute = format!("{}{expected_ends}", folder.path().display());
    let canonical = format!("{}{expected_ends}", canonical.display());
    assert!(
        text.contains(&absolute) || text.contains(&canonical),
        "{text}"
    );
}
