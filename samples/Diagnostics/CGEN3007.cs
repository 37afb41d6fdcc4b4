// CGEN3007: path-like string without [SafePath] (docs/diagnostics/CGEN3007.md).
// A root daemon that opens a path a user sent must confine it to a root, or "../../etc/shadow" is one call away.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN3007.cs(15,33): warning CGEN3007: Add [SafePath] to parameter 'path' of 'SizeAsync' so that the service refuses absolute paths, '..' and '~' before it touches the file system
using System.Threading;
using System.Threading.Tasks;
using ContractGen;

namespace Diagnostics.Samples.Cgen3007;

[ServiceContract(Name = "com.example.samples.cgen3007", Context = ServiceContext.System, MaxStringLength = 4096)]
[AllowAnyLocalUser]
public partial interface IFiles
{
    Task<long> SizeAsync(string path, CancellationToken cancellationToken = default);
}
