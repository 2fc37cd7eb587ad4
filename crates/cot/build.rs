//! Compiles Tansiq's TAK protocol `.proto` files with protox (pure Rust, no protoc) into prost
//! types.

const FILES: &[&str] = &[
    "takmessage.proto",
    "takcontrol.proto",
    "cotevent.proto",
    "detail.proto",
    "contact.proto",
    "group.proto",
    "precisionlocation.proto",
    "status.proto",
    "takv.proto",
    "track.proto",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=proto");
    for file in FILES {
        println!("cargo:rerun-if-changed=proto/{file}");
    }
    let descriptors = protox::compile(FILES, ["proto"])?;
    prost_build::Config::new().compile_fds(descriptors)?;
    Ok(())
}
