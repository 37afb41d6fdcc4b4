// CGEN1015: service contract hidden from module-level code (docs/diagnostics/CGEN1015.md).
// The generated module initializer registers every contract, and it cannot name a type nested in a private one.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN1015.cs(14,31): error CGEN1015: Make 'IWorker' (private) internal or public, so that the code generated for service contract 'Diagnostics.Samples.Cgen1015.Worker.IWorker' can register it when the assembly loads
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen1015;

public partial class Worker
{
    [ServiceContract(Name = "com.example.samples.cgen1015", Context = ServiceContext.User)]
    private partial interface IWorker
    {
        Task<int> RunAsync(int job, CancellationToken cancellationToken);
    }
}
