// Private helpers use Linux facilities: peer credentials, setpriv, prlimit, /proc.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
