// These tests drive real Unix domain sockets, peer credentials and Unix users.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
