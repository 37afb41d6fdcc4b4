// CGEN1005: type that cannot cross the wire (docs/diagnostics/CGEN1005.md).
// An interface or 'object' would need a live object in the other process (object remoting), which ContractGen refuses.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1005.cs(20,33): error CGEN1005: Change the type of parameter 'progress' of 'RunAsync': interface 'Diagnostics.Samples.Cgen1005.IProgressSink' would pass a live object reference; send a [MemoryPackable] data type instead
// CGEN1005.cs(22,5): error CGEN1005: Change the type of the result of 'GetStatusAsync': 'object' can hold a live object of any type; send a concrete data type instead
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen1005;

public interface IProgressSink
{
    void Report(int percent);
}

[ServiceContract(Name = "com.example.samples.cgen1005", Context = ServiceContext.User)]
public partial interface IBackup
{
    Task RunAsync(IProgressSink progress, CancellationToken cancellationToken = default);

    Task<object> GetStatusAsync(CancellationToken cancellationToken = default);
}
