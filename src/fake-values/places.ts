import { GatewayError } from '../core/index.js';

/**
 * The gazetteer fake addresses are drawn from: for each supported country its regions (US states, UK
 * provinces and territories, UK nations, German Länder, French régions), a few real cities of each, and
 * the postal-code prefixes that belong to them (US: the state's 3-digit ZIP prefixes; CA: the first letter
 * of the postal code; GB: outward codes; DE: 2-digit PLZ leitregionen; FR: département numbers). A fake place is one (country, region, city) of this list, so its parts agree.
 * Compiled in, no network; a change here changes fakes (pinned in tests).
 */
export type CountryCode = 'US' | 'CA' | 'GB' | 'DE' | 'FR';

export interface GazetteerCity {
  readonly name: string;
  /** Postal prefixes of the city, or its region's when the gazetteer knows none finer. */
  readonly postalPrefixes: readonly string[];
}

export interface GazetteerRegion {
  readonly name: string;
  /** ISO 3166-2 subdivision code without the country (`TX`, `BY`, `ENG`, `ARA`). */
  readonly code: string;
  readonly cities: readonly GazetteerCity[];
  /** Every postal prefix of the region. */
  readonly postalPrefixes: readonly string[];
  /** Whether the cities carry prefixes of their own (a finer pick than the region's). */
  readonly citiesHavePrefixes: boolean;
}

export interface GazetteerCountry {
  readonly code: CountryCode;
  readonly alpha3: string;
  readonly name: string;
  /** Other spellings a source may use (compared folded). */
  readonly aliases: readonly string[];
  readonly regions: readonly GazetteerRegion[];
}

/**
 * One region a line: `Name|CODE|prefixes|City;City:prefixes;…`. Prefixes are comma-separated items, each
 * one prefix (`885`, `M`) or a run `HEADn-m` (`350-369`: 350 … 369, as wide as the first; `E1-18`: E1 … E18).
 */
const US = `
Alabama|AL|350-369|Birmingham;Montgomery;Huntsville;Mobile;Tuscaloosa;Auburn;Dothan
Alaska|AK|995-999|Anchorage;Fairbanks;Juneau;Wasilla;Sitka;Ketchikan
Arizona|AZ|850-865|Phoenix;Tucson;Mesa;Chandler;Scottsdale;Flagstaff;Yuma
Arkansas|AR|716-729|Little Rock;Fayetteville;Fort Smith;Jonesboro;Springdale;Conway
California|CA|900-961|Los Angeles;San Diego;San Jose;San Francisco;Fresno;Sacramento;Oakland;Bakersfield;Anaheim;Riverside
Colorado|CO|800-816|Denver;Colorado Springs;Aurora;Fort Collins;Boulder;Pueblo;Lakewood
Connecticut|CT|060-069|Hartford;New Haven;Bridgeport;Stamford;Waterbury;Norwalk
Delaware|DE|197-199|Wilmington;Dover;Newark;Middletown;Smyrna;Milford
District of Columbia|DC|200,202-205|Washington
Florida|FL|320-349|Miami;Orlando;Tampa;Jacksonville;Tallahassee;St. Petersburg;Fort Lauderdale;Gainesville
Georgia|GA|300-319,398-399|Atlanta;Savannah;Augusta;Columbus;Macon;Athens
Hawaii|HI|967-968|Honolulu;Hilo;Kailua;Pearl City;Waipahu;Kahului
Idaho|ID|832-838|Boise;Nampa;Meridian;Idaho Falls;Pocatello;Coeur d'Alene
Illinois|IL|600-629|Chicago;Springfield;Peoria;Rockford;Naperville;Joliet;Champaign
Indiana|IN|460-479|Indianapolis;Fort Wayne;Evansville;South Bend;Bloomington;Carmel
Iowa|IA|500-528|Des Moines;Cedar Rapids;Davenport;Iowa City;Sioux City;Ames
Kansas|KS|660-679|Wichita;Topeka;Overland Park;Olathe;Lawrence;Salina
Kentucky|KY|400-427|Louisville;Lexington;Bowling Green;Owensboro;Covington;Frankfort
Louisiana|LA|700-714|New Orleans;Baton Rouge;Shreveport;Lafayette;Lake Charles;Monroe
Maine|ME|039-049|Portland;Bangor;Lewiston;Augusta;Biddeford;Brunswick
Maryland|MD|206-219|Baltimore;Annapolis;Frederick;Rockville;Gaithersburg;Hagerstown
Massachusetts|MA|010-027,055|Boston;Worcester;Springfield;Cambridge;Lowell;Quincy
Michigan|MI|480-499|Detroit;Grand Rapids;Lansing;Ann Arbor;Flint;Kalamazoo
Minnesota|MN|550-567|Minneapolis;Saint Paul;Rochester;Duluth;Bloomington;St. Cloud
Mississippi|MS|386-397|Jackson;Gulfport;Hattiesburg;Biloxi;Tupelo;Meridian
Missouri|MO|630-658|Kansas City;St. Louis;Springfield;Columbia;Independence;Jefferson City
Montana|MT|590-599|Billings;Missoula;Great Falls;Bozeman;Helena;Butte
Nebraska|NE|680-693|Omaha;Lincoln;Bellevue;Grand Island;Kearney;North Platte
Nevada|NV|889-898|Las Vegas;Reno;Henderson;Carson City;Sparks;Elko
New Hampshire|NH|030-038|Manchester;Nashua;Concord;Dover;Portsmouth;Keene
New Jersey|NJ|070-089|Newark;Jersey City;Paterson;Trenton;Camden;Princeton;Hoboken
New Mexico|NM|870-884|Albuquerque;Santa Fe;Las Cruces;Rio Rancho;Roswell;Farmington
New York|NY|100-149|New York;Buffalo;Rochester;Syracuse;Albany;Yonkers;Ithaca
North Carolina|NC|270-289|Charlotte;Raleigh;Durham;Greensboro;Winston-Salem;Asheville;Wilmington
North Dakota|ND|580-588|Fargo;Bismarck;Grand Forks;Minot;Williston;Dickinson
Ohio|OH|430-459|Columbus;Cleveland;Cincinnati;Toledo;Akron;Dayton
Oklahoma|OK|730-749|Oklahoma City;Tulsa;Norman;Broken Arrow;Edmond;Lawton
Oregon|OR|970-979|Portland;Salem;Eugene;Bend;Medford;Corvallis
Pennsylvania|PA|150-196|Philadelphia;Pittsburgh;Allentown;Erie;Harrisburg;Scranton;Lancaster
Rhode Island|RI|028-029|Providence;Warwick;Cranston;Pawtucket;Newport;Woonsocket
South Carolina|SC|290-299|Columbia;Charleston;Greenville;Spartanburg;Myrtle Beach;Rock Hill
South Dakota|SD|570-577|Sioux Falls;Rapid City;Aberdeen;Brookings;Watertown;Pierre
Tennessee|TN|370-385|Nashville;Memphis;Knoxville;Chattanooga;Clarksville;Murfreesboro
Texas|TX|750-799,885|Houston;Dallas;Austin;San Antonio;Fort Worth;El Paso;Arlington;Plano;Lubbock
Utah|UT|840-847|Salt Lake City;Provo;Ogden;West Valley City;St. George;Logan
Vermont|VT|050-054,056-059|Burlington;Montpelier;Rutland;Barre;Brattleboro;Bennington
Virginia|VA|201,220-246|Richmond;Virginia Beach;Norfolk;Arlington;Alexandria;Roanoke;Charlottesville
Washington|WA|980-994|Seattle;Spokane;Tacoma;Vancouver;Bellevue;Olympia
West Virginia|WV|247-268|Charleston;Huntington;Morgantown;Parkersburg;Wheeling;Beckley
Wisconsin|WI|530-549|Milwaukee;Madison;Green Bay;Kenosha;Racine;Appleton
Wyoming|WY|820-831|Cheyenne;Casper;Laramie;Gillette;Rock Springs;Sheridan`;

/** Canadian postal codes begin with their province's letter (Ontario has five, Québec three). */
const CA = `
Ontario|ON||Toronto:M;Ottawa:K;Hamilton:L;Mississauga:L;London:N;Kitchener:N;Thunder Bay:P
Québec|QC||Montréal:H;Laval:H;Québec:G;Gatineau:J;Sherbrooke:J;Trois-Rivières:G
British Columbia|BC|V|Vancouver;Victoria;Surrey;Burnaby;Kelowna;Kamloops
Alberta|AB|T|Calgary;Edmonton;Red Deer;Lethbridge;Banff
Manitoba|MB|R|Winnipeg;Brandon;Steinbach;Thompson
Saskatchewan|SK|S|Saskatoon;Regina;Prince Albert;Moose Jaw
Nova Scotia|NS|B|Halifax;Dartmouth;Sydney;Truro
New Brunswick|NB|E|Moncton;Saint John;Fredericton;Dieppe
Newfoundland and Labrador|NL|A|St. John's;Mount Pearl;Corner Brook;Gander
Prince Edward Island|PE|C|Charlottetown;Summerside;Stratford
Yukon|YT|Y|Whitehorse;Dawson City
Northwest Territories|NT|X|Yellowknife;Hay River;Inuvik`;

/** Outward codes (area + district) whose every district in the run exists. */
const GB = `
England|ENG||London:E1-18,N1-22,NW1-11,SE1-28,SW2-20,W2-14;Manchester:M1-9;Birmingham:B1-9;Leeds:LS1-9;Liverpool:L1-9;Bristol:BS1-9;Sheffield:S1-9;Newcastle upon Tyne:NE1-9;Nottingham:NG1-9;Leicester:LE1-5;Oxford:OX1-4;Cambridge:CB1-5;Brighton:BN1-2;York:YO1,YO10,YO24
Scotland|SCT||Glasgow:G1-5;Edinburgh:EH1-9;Aberdeen:AB10-16;Dundee:DD1-5;Inverness:IV1-3
Wales|WLS||Cardiff:CF10-11,CF14;Swansea:SA1-2;Newport:NP19-20;Wrexham:LL11-14
Northern Ireland|NIR||Belfast:BT1-9;Derry:BT47-48;Lisburn:BT27-28;Newry:BT34-35`;

/** Leitregionen (the first two PLZ digits) of each city. */
const DE = `
Baden-Württemberg|BW||Stuttgart:70;Karlsruhe:76;Mannheim:68;Freiburg im Breisgau:79;Heidelberg:69;Ulm:89
Bayern|BY||München:80-81;Nürnberg:90;Augsburg:86;Regensburg:93;Würzburg:97;Ingolstadt:85
Berlin|BE||Berlin:10-14
Brandenburg|BB||Potsdam:14;Cottbus:03;Brandenburg an der Havel:14;Frankfurt (Oder):15
Bremen|HB||Bremen:28;Bremerhaven:27
Hamburg|HH||Hamburg:20-22
Hessen|HE||Frankfurt am Main:60;Wiesbaden:65;Kassel:34;Darmstadt:64;Offenbach am Main:63
Mecklenburg-Vorpommern|MV||Rostock:18;Schwerin:19;Greifswald:17;Stralsund:18
Niedersachsen|NI||Hannover:30;Braunschweig:38;Oldenburg:26;Osnabrück:49;Göttingen:37;Wolfsburg:38
Nordrhein-Westfalen|NW||Köln:50-51;Düsseldorf:40;Dortmund:44;Essen:45;Duisburg:47;Münster:48;Bonn:53
Rheinland-Pfalz|RP||Mainz:55;Ludwigshafen am Rhein:67;Koblenz:56;Trier:54;Kaiserslautern:67
Saarland|SL||Saarbrücken:66;Neunkirchen:66;Homburg:66
Sachsen|SN||Dresden:01;Leipzig:04;Chemnitz:09;Zwickau:08
Sachsen-Anhalt|ST||Magdeburg:39;Halle (Saale):06;Dessau-Roßlau:06
Schleswig-Holstein|SH||Kiel:24;Lübeck:23;Flensburg:24;Neumünster:24
Thüringen|TH||Erfurt:99;Jena:07;Gera:07;Weimar:99`;

/** Département of each city (Corsica left out: its codes are not numbers). */
const FR = `
Île-de-France|IDF||Paris:75;Boulogne-Billancourt:92;Saint-Denis:93;Versailles:78;Argenteuil:95;Créteil:94
Auvergne-Rhône-Alpes|ARA||Lyon:69;Grenoble:38;Saint-Étienne:42;Clermont-Ferrand:63;Annecy:74;Villeurbanne:69
Bourgogne-Franche-Comté|BFC||Dijon:21;Besançon:25;Belfort:90;Auxerre:89
Bretagne|BRE||Rennes:35;Brest:29;Quimper:29;Lorient:56;Vannes:56;Saint-Malo:35
Centre-Val de Loire|CVL||Orléans:45;Tours:37;Bourges:18;Blois:41;Chartres:28
Grand Est|GES||Strasbourg:67;Reims:51;Metz:57;Mulhouse:68;Nancy:54;Colmar:68
Hauts-de-France|HDF||Lille:59;Amiens:80;Roubaix:59;Tourcoing:59;Dunkerque:59;Calais:62
Normandie|NOR||Rouen:76;Le Havre:76;Caen:14;Cherbourg-en-Cotentin:50;Évreux:27
Nouvelle-Aquitaine|NAQ||Bordeaux:33;Limoges:87;Poitiers:86;Pau:64;La Rochelle:17;Bayonne:64
Occitanie|OCC||Toulouse:31;Montpellier:34;Nîmes:30;Perpignan:66;Béziers:34
Pays de la Loire|PDL||Nantes:44;Angers:49;Le Mans:72;Saint-Nazaire:44;Cholet:49
Provence-Alpes-Côte d'Azur|PAC||Marseille:13;Nice:06;Toulon:83;Aix-en-Provence:13;Avignon:84;Cannes:06`;

/** `350-369,885` → 350 … 369, 885; `E1-18` → E1 … E18. */
export function expandPrefixes(spec: string): string[] {
  const out: string[] = [];
  for (const item of spec.split(',').filter((s) => s !== '')) {
    if (/^[A-Z]+$/.test(item)) {
      out.push(item);
      continue;
    }
    const match = /^([A-Z]*)(\d+)(?:-(\d+))?$/.exec(item);
    if (match === null) throw new GatewayError('internal', `bad postal prefix ${JSON.stringify(item)}`);
    const [, head = '', first = '', last] = match;
    const width = head === '' ? first.length : 0;
    for (let n = Number(first); n <= Number(last ?? first); n++)
      out.push(head + String(n).padStart(width, '0'));
  }
  return out;
}

function regionsOf(text: string): readonly GazetteerRegion[] {
  return Object.freeze(
    text
      .trim()
      .split('\n')
      .map((line): GazetteerRegion => {
        const [name = '', code = '', prefixSpec = '', citySpec = ''] = line.split('|');
        const regionPrefixes = expandPrefixes(prefixSpec);
        const cities = citySpec.split(';').map((entry): GazetteerCity => {
          const [cityName = '', cityPrefixes] = entry.split(':');
          return Object.freeze({
            name: cityName,
            postalPrefixes: Object.freeze(
              cityPrefixes === undefined ? regionPrefixes : expandPrefixes(cityPrefixes),
            ),
          });
        });
        const all = regionPrefixes.length > 0 ? regionPrefixes : cities.flatMap((c) => c.postalPrefixes);
        return Object.freeze({
          name,
          code,
          cities: Object.freeze(cities),
          postalPrefixes: Object.freeze([...new Set(all)]),
          citiesHavePrefixes: regionPrefixes.length === 0,
        });
      }),
  );
}

/** Supported countries, the default locale (US) first. */
export const GAZETTEER: readonly GazetteerCountry[] = Object.freeze([
  {
    code: 'US',
    alpha3: 'USA',
    name: 'United States',
    aliases: ['United States of America', 'U.S.A.', 'U.S.', 'America'],
    regions: regionsOf(US),
  },
  { code: 'CA', alpha3: 'CAN', name: 'Canada', aliases: [], regions: regionsOf(CA) },
  {
    code: 'GB',
    alpha3: 'GBR',
    name: 'United Kingdom',
    aliases: ['UK', 'U.K.', 'Great Britain', 'Britain', 'England', 'Scotland', 'Wales', 'Northern Ireland'],
    regions: regionsOf(GB),
  },
  {
    code: 'DE',
    alpha3: 'DEU',
    name: 'Germany',
    aliases: ['Deutschland', 'Federal Republic of Germany'],
    regions: regionsOf(DE),
  },
  { code: 'FR', alpha3: 'FRA', name: 'France', aliases: ['République française'], regions: regionsOf(FR) },
] satisfies GazetteerCountry[]);

/** Every city of the default locale (US), for a city column with nothing else to go by. */
export const US_CITY_NAMES: readonly string[] = Object.freeze([
  ...new Set(GAZETTEER[0]!.regions.flatMap((r) => r.cities.map((c) => c.name))),
]);
