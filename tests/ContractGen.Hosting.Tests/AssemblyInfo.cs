// These tests start daemons, bind Unix sockets, pass descriptors and set process-wide environment variables
// (XDG_RUNTIME_DIR): they run one at a time.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
[assembly: CollectionBehavior(DisableTestParallelization = true)]
