<#
.SYNOPSIS
  Installs the ItInventory agent as a Windows service (LocalSystem) and writes its configuration.
.EXAMPLE
  powershell -ExecutionPolicy Bypass -File install.ps1 -ServerUrl https://func-abc.azurewebsites.net/ -EnrollmentSecret <secret>
.NOTES
  Run as Administrator, beside itinventory-agent.exe (dotnet publish agent/ItInventory.Agent -c Release -r win-x64).
  The agent enrolls on its first check-in, stores its device credential with DPAPI (machine scope) under
  %ProgramData%\ItInventory\Agent\state and removes the enrollment secret from agent.json.
#>
# Run as Administrator (root under PowerShell 7 elsewhere): PowerShell refuses the script otherwise.
#Requires -RunAsAdministrator
param(
    [Parameter(Mandatory = $true)][string] $ServerUrl,
    [Parameter(Mandatory = $true)][string] $EnrollmentSecret,
    [string] $Binary = (Join-Path $PSScriptRoot 'itinventory-agent.exe')
)
$ErrorActionPreference = 'Stop'
$serviceName = 'ItInventoryAgent'
$installDir = Join-Path $env:ProgramFiles 'ItInventory\Agent'
$dataDir = Join-Path $env:ProgramData 'ItInventory\Agent'

New-Item -ItemType Directory -Force -Path $installDir, $dataDir | Out-Null
# Only SYSTEM and Administrators may read the configuration and the credential.
& icacls.exe $dataDir /inheritance:r /grant:r 'SYSTEM:(OI)(CI)F' 'Administrators:(OI)(CI)F' | Out-Null

$existing = Get-Service -Name $serviceName -ErrorAction SilentlyContinue
if ($existing) { Stop-Service -Name $serviceName -Force }
Copy-Item -Force $Binary (Join-Path $installDir 'itinventory-agent.exe')

$config = [ordered]@{ serverUrl = $ServerUrl; enrollmentSecret = $EnrollmentSecret }
$config | ConvertTo-Json | Set-Content -Encoding UTF8 -Path (Join-Path $dataDir 'agent.json')

if (-not $existing) {
    New-Service -Name $serviceName -DisplayName 'ItInventory agent' -StartupType Automatic `
        -BinaryPathName ('"' + (Join-Path $installDir 'itinventory-agent.exe') + '"') `
        -Description 'Inventory and utilisation heartbeats for ItInventory.' | Out-Null
    # Restart after a crash: 1 min, 5 min, then every 15 min.
    & sc.exe failure $serviceName reset= 86400 actions= restart/60000/restart/300000/restart/900000 | Out-Null
}
Start-Service -Name $serviceName
Write-Host "ItInventory agent installed and started; it logs to the Application event log and $dataDir\agent.log."
