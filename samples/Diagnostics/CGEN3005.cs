// CGEN3005: callback parameter in a System contract (docs/diagnostics/CGEN3005.md).
// A root daemon must not call into an unprivileged client's code: return an IAsyncEnumerable<T> the client opens.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN3005.cs(16,34): error CGEN3005: Remove callback parameter 'progress' ('System.IProgress<int>') of 'RunAsync': a system daemon never calls into its clients, so return IAsyncEnumerable<T> for a stream of results the client opens
using System;
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen3005;

[ServiceContract(Name = "com.example.samples.cgen3005", Context = ServiceContext.System)]
public partial interface IBackup
{
    [RequireRoot]
    Task RunAsync(IProgress<int> progress, CancellationToken cancellationToken = default);
}
