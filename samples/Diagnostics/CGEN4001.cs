// CGEN4001: .Result, .Wait() or GetAwaiter().GetResult() on a service call (docs/diagnostics/CGEN4001.md).
// Blocking a thread on a call to another process invites deadlocks and thread-pool starvation: await it.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN4001.cs(20,51): warning CGEN4001: Await the call to 'IClock.NowAsync' instead of blocking on it with '.Result'
using System;
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen4001;

[ServiceContract(Name = "com.example.samples.cgen4001", Context = ServiceContext.User)]
public partial interface IClock
{
    Task<DateTimeOffset> NowAsync(CancellationToken cancellationToken = default);
}

public static class ClockReader
{
    public static long ReadTicks(IClock clock) => clock.NowAsync().Result.Ticks;
}
