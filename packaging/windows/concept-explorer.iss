; Inno Setup script for Concept Explorer on Windows.
; Build the one-folder bundle first (python packaging/build.py --bundle-only on Windows, see
; .github/workflows/release.yml), then: iscc /DAppVersion=X.Y.Z packaging\windows\concept-explorer.iss
; Installs for the current user without administrator rights by default (school machines);
; run as administrator, or choose "for all users", to install for everyone.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6B0F3B8E-7C1D-4C52-9D0E-3A61C2E5B7A4}
AppName=Concept Explorer
AppVerName=Concept Explorer {#AppVersion}
AppVersion={#AppVersion}
AppPublisher=The Concept Explorer contributors
DefaultDirName={autopf}\Concept Explorer
DefaultGroupName=Concept Explorer
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
OutputDir=..\..\dist
OutputBaseFilename=concept-explorer-{#AppVersion}-windows-setup
SetupIconFile=..\..\build\icons\concept-explorer.ico
UninstallDisplayIcon={app}\concept-explorer.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ArchitecturesInstallIn64BitMode=x64compatible
LicenseFile=..\..\LICENSE

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"
Name: "chinesesimplified"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"

[Files]
Source: "..\..\dist\concept-explorer\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Concept Explorer"; Filename: "{app}\concept-explorer.exe"
Name: "{group}\{cm:UninstallProgram,Concept Explorer}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\Concept Explorer"; Filename: "{app}\concept-explorer.exe"; Tasks: desktopicon

[Registry]
; explorer://topic/ID?… links open the app (per user under HKCU, for everyone under HKLM).
Root: HKA; Subkey: "Software\Classes\explorer"; ValueType: string; ValueName: ""; ValueData: "URL:Concept Explorer link"; Flags: uninsdeletekey
Root: HKA; Subkey: "Software\Classes\explorer"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKA; Subkey: "Software\Classes\explorer\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: "{app}\concept-explorer.exe,0"
Root: HKA; Subkey: "Software\Classes\explorer\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\concept-explorer.exe"" ""%1"""

[Run]
Filename: "{app}\concept-explorer.exe"; Description: "{cm:LaunchProgram,Concept Explorer}"; Flags: nowait postinstall skipifsilent
