/**
 * Everyday words that are also given names, surnames or places in some locale ("Will", "May", "Long",
 * "An", "Do", "Le"). A lexicon hit on one of these counts only with support: another name token next to
 * it, a title, or a context phrase. Folded (lower-case, no diacritics).
 */
const ENGLISH = `a about above across act add after again against age ago agree ah air all allow almost alone along
already also although always am amazing among an and angel angle another answer any anyone anything apple
april are area arm army around arrive art as ask at august autumn available away baby back bad bag ball bank
bar base basic be bear beat beautiful became because become bed been before began begin behind being believe
bell below berry best better between big bill bird bit black blue board boat body bold book born both bottom
box boy brand bread break bright bring brook brother brown build building burn bush business busy but buy by
call came camp can cannot cap car card care carry case cash cat catch cause center central chance change
charge chase check cherry chief child choice church city claim class clay clean clear cliff close cloud club
coach coast cold color come common company complete content continue cook cool copy corn cost could count
country course court cover crane create cross crown cup current cut daisy dale dark date dawn day dean dear
december deep delivery did die different dire direct do doctor does dog dollar done door double dove down
draw dream dress drew drive drop dry due duke during each early earth east easy eat edge eight either else
email end england english enough entry even evening ever every example eye face fact fair faith fall family
far farm fast father fax february feel few field fifth file fill final find fine fire first fish five fix
flat floor flower fly follow food foot for force forest form forward four free french fresh friday friend
from front frost full fun game garden gate gave general get gift girl give glad glen go god gold golden good
got grace grand grant great green ground group grove grow guard guy had hair half hall hand happy hard has
have he head hear heart heath held hello help her here hi high hill him his hold holiday holly home honey
hope hot hour house how however hunt i idea if ill important in inc info into is island issue it its ivy
january jay jet job join joy july jump june just keep key kid kind king knight know lady lake land lane
large last late later law lay lead learn least leave left less let letter level lie life light like lily
line list little live local lock long look lord lose lot love low luck made mail main major make man many
march mark market mason master matter may me mean meet member message middle might mike miles mill miller
mind minute miss mister moment monday money month moon more morning most mother move mr mrs ms much must my
name near need never new news next nice night nine no none noon north not note nothing notice november now
number oak object october of off offer office often oh ok okay old on once one only open or order other our
out over own page paid park part party pass past pay peace pearl people per perfect person phone pick piece
pine pink place plain plan play please plus point poor port post power present pretty price prince print
problem product program pure put queen question quick quite rain range rather reach read ready real reason
receive record red reed refund regards rest return rich ride right ring river road rock room rose round row
royal rule run rush said sale same sand save saw say school sea season second see seem self sell send
september service set seven several shall she ship shop short should show side sign silver since sir six
size sky small snow so some something son soon sound south spring square staff stand star start state
status still stone stop store story street strong such summer sun sunday sunny support sure sweet system
table take talk tea team tell ten than thank thanks that the their them then there these they thing think
third this those though three through thursday ticket till time to today together told too took top total
town tree true trust try tuesday turn two under unit until up upon us use user very view village visit wade
wait walk wall want war ward warm was watch water way we wednesday week well went were west what when where
which while white who whole why will win window winter wish with within without wolf wood word work world
would write wrong yard year yes yet you young your`;

/** Short function words of the other Latin-script languages the lexicon covers. */
const OTHER_LANGUAGES = `al alla als am an auf aus bei bis con da dal dalla das de dei del della dem den der des di die
do dos du e een ein eine el en er es et het il im in la las le les lo los mit na nach nel no och og om os
ou par para pour por que sur um und uno van vom von voor y za zu`;

/** Calendar words: capitalised in English, never a person in running text. */
const CALENDAR = `jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thur thurs fri sat sun
januar februar maerz marz mai juni juli oktober dezember janvier fevrier mars avril juin juillet aout
septembre octobre novembre decembre lundi mardi mercredi jeudi vendredi samedi dimanche enero febrero marzo
abril mayo junio julio agosto septiembre octubre noviembre diciembre lunes martes miercoles jueves viernes
sabado domingo gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre montag dienstag
mittwoch donnerstag freitag samstag sonntag`;

/** Words that start ticket and chat sentences or name products and departments. */
const BUSINESS = `account admin agent api app attachment bug cc client code confirm contact cust customer dashboard
data department details device dr error fee hr invoice iphone ipad item login manager mobile note order
payment pending priority prof re report request sales shipping sku subject tax team thank ticket
update urgent version web`;

function words(list: string): string[] {
  return list.split(/\s+/).filter((w) => w.length > 0);
}

export const COMMON_WORDS: ReadonlySet<string> = new Set([
  ...words(ENGLISH),
  ...words(OTHER_LANGUAGES),
  ...words(CALENDAR),
  ...words(BUSINESS),
]);

/** Lower-case particles inside surnames: van der Berg, de la Cruz, von Trapp, bin Salman, dos Santos. */
export const NAME_PARTICLES: ReadonlySet<string> = new Set(
  words('van der den de la le du des del della di da dos das do von zu ter ten bin ibn al el y st'),
);
