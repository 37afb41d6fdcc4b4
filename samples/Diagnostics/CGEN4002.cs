// CGEN4002: IncludeExceptionDetails = true on the host of a System contract (docs/diagnostics/CGEN4002.md).
// Every local user may call a System daemon: with the option on, each of them receives the messages and stack traces of
// the daemon's exceptions. Leave it off (callers get a fault id the daemon logs) and throw ServiceFaultException for
// what callers should see.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN4002.cs(30,61): warning CGEN4002: Remove 'IncludeExceptionDetails = true': this host serves System contract 'IClock', so every local user would receive its exception messages and stack traces; throw ServiceFaultException for what callers should see
using System;
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen4002;

[ServiceContract(Name = "com.example.samples.cgen4002", Context = ServiceContext.System)]
[AllowAnyLocalUser]
public partial interface IClock
{
    Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken = default);
}

public sealed class Clock : IClock
{
    public Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken = default) => Task.FromResult(DateTimeOffset.UtcNow);
}

public static class Daemon
{
    public static ServiceHost Create()
    {
        var host = new ServiceHost(new ServiceHostOptions { IncludeExceptionDetails = true });
        return host.AddService<IClock>(new Clock());
    }
}
