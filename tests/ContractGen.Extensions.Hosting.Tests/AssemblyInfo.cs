// Real Unix domain sockets and peer credentials.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
