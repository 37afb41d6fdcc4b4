// CGEN3008: transferred type whose wire layout ContractGen cannot prove (docs/diagnostics/CGEN3008.md).
// A root daemon's generated code checks every length in a request before MemoryPack decodes it; a Brotli-compressed
// member is bytes whose decompressed size nobody has checked, a decompression bomb one call away.
// 'dotnet build samples/Diagnostics' prints (less the directory, the help link and the project):
// CGEN3008.cs(24,27): error CGEN3008: Change parameter 'upload' of 'SendAsync' so that ContractGen can check its bytes before MemoryPack decodes them: 'upload.Blob': it has a custom formatter or [MemoryPackAllowSerialize], whose bytes the scanner cannot prove
using System.Threading;
using System.Threading.Tasks;
using ContractGen;
using MemoryPack;

namespace Diagnostics.Samples.Cgen3008;

[MemoryPackable]
public sealed partial class Upload
{
    [BrotliFormatter]
    public byte[] Blob { get; set; } = [];
}

[ServiceContract(Name = "com.example.samples.cgen3008", Context = ServiceContext.System, MaxByteLength = 4096)]
[AllowAnyLocalUser]
public partial interface IUploads
{
    Task SendAsync(Upload upload, CancellationToken cancellationToken = default);
}
