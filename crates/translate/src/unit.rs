//! The one writer of systemd unit syntax (quadlet files are unit files too). Every value
//! written into a unit goes through here, so escaping lives in exactly one place.
