"""Demo conversations in the forums, written by the demo people through the actions.

``seed_forum_demo`` is idempotent: a thread whose title already exists in its forum is skipped,
so running it twice changes nothing. Authors and mentions are demo people (``intranet.demo``)
who may read the forum; in the texts, ``@{Prénom Nom}`` becomes that person's @handle.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import transaction

from forums import actions, policies
from forums.models import Forum, ForumKind, Thread
from intranet.demo import PEOPLE
from intranet.models import User

_MENTION = re.compile(r"@\{([^}]+)\}")


@dataclass(frozen=True)
class DemoThread:
    title: str
    # (author as "Prénom Nom", Markdown body); the first post opens the thread.
    posts: tuple[tuple[str, str], ...]
    # Pinned by the coordinator of the forum's collège.
    pinned: bool = False


FORUM_THREADS: dict[str, tuple[DemoThread, ...]] = {
    "production": (
        DemoThread(
            "Aides régionales : dates des commissions 2027",
            (
                (
                    "Camille Martin",
                    "Je rassemble ici les dates utiles pour déposer vos dossiers l'an prochain. "
                    "**Merci de compléter ce fil plutôt que d'en ouvrir un nouveau** à chaque appel à projets.\n\n"
                    "- **Documentaire** : dépôt avant le 15 mars, commission fin mai\n"
                    "- **Court métrage de fiction** : dépôt avant le 30 avril\n"
                    "- **Animation** : deux sessions, au printemps et à l'automne\n\n"
                    "Vérifiez tout de même sur le site de l'agence régionale, les dates bougent parfois d'une semaine.",
                ),
                (
                    "Emma Robin",
                    "Merci Camille ! Petite précision pour l'aide au développement : le dossier doit désormais "
                    "comporter une note de production chiffrée, pas seulement une note d'intention. "
                    "On s'est fait avoir cette année.",
                ),
                (
                    "Louis Arnaud",
                    "Pour celles et ceux qui coproduisent avec l'Espagne, l'appel transfrontalier ouvre en général "
                    "à l'automne. Je peux partager notre dossier de cette année si ça aide quelqu'un.",
                ),
                (
                    "Camille Martin",
                    "Avec plaisir @{Louis Arnaud}, je l'ajoute aux ressources du collège dès que tu me l'envoies.",
                ),
            ),
            pinned=True,
        ),
        DemoThread(
            "Financement régional d'un documentaire : vos retours d'expérience ?",
            (
                (
                    "Alexandre Gauthier",
                    "Bonjour à tous, je prépare un documentaire de 52 minutes sur les derniers papetiers de Corrèze, "
                    "avec une télévision locale déjà intéressée. Pour celles et ceux qui ont obtenu l'aide régionale "
                    "à la production : combien de temps entre le dépôt et la signature de la convention ? "
                    "Et le diffuseur doit-il être confirmé au moment du dépôt ?",
                ),
                (
                    "Isabelle Garnier",
                    "> Le diffuseur doit-il être confirmé au moment du dépôt ?\n\n"
                    "Oui : il faut une **lettre d'engagement signée**, une simple lettre d'intérêt ne suffit plus. "
                    "Compte ensuite environ quatre mois jusqu'à la convention, un peu plus si la commission demande "
                    "des compléments. Mieux vaut attendre la session suivante que déposer un dossier incomplet.",
                ),
                (
                    "Emma Robin",
                    "Je confirme les quatre mois. Autre conseil : prévois une part de dépenses en région nettement "
                    "au-dessus du minimum demandé, c'est regardé de près. Si tu veux, je relis ton budget avant envoi.",
                ),
                (
                    "Alexandre Gauthier",
                    "Merci @{Isabelle Garnier} et @{Emma Robin}, c'est très clair. Je vise donc la session de "
                    "printemps, et je veux bien une relecture du budget d'ici là.",
                ),
            ),
        ),
        DemoThread(
            "Recherche de décors en Gironde : chai et carrelet sur l'estuaire",
            (
                (
                    "Léa Mercier",
                    "Nous préparons le tournage d'un court métrage de fiction en avril et cherchons deux décors "
                    "en Gironde :\n\n"
                    "- un **chai ou une ferme** un peu à l'abandon, côté Entre-deux-Mers ;\n"
                    "- un **carrelet** sur l'estuaire, accessible avec un petit camion.\n\n"
                    "Toute piste est bienvenue, même un simple contact en mairie !",
                ),
                (
                    "Margaux Brunet",
                    "Pour les carrelets, regarde côté Médoc, entre Saint-Estèphe et Saint-Christoly : plusieurs "
                    "propriétaires acceptent les tournages et l'accès camion y est plus simple que côté Blaye. "
                    "Je t'envoie en privé le numéro de celui avec qui nous avons tourné l'an dernier.",
                ),
                (
                    "Nicolas Blanc",
                    "Attention à la marée : selon le coefficient, tu peux perdre une bonne partie de la journée. "
                    "Cale les plans au carrelet sur la marée haute de fin de journée, la lumière y est superbe.",
                ),
                (
                    "Léa Mercier",
                    "Merci à vous deux, c'est précieux. @{Nicolas Blanc}, tu serais disponible en avril ? "
                    "Nous cherchons encore un chef opérateur.",
                ),
                ("Nicolas Blanc", "Je suis libre à partir du 12 avril, envoie-moi le scénario."),
            ),
        ),
        DemoThread(
            "Mutualiser le matériel de tournage entre adhérents",
            (
                (
                    "Lucas Boyer",
                    "Plusieurs d'entre nous achètent chacun de leur côté du matériel qui dort les trois quarts de "
                    "l'année. Je propose de recenser ce que chacun serait prêt à prêter ou louer à prix coûtant "
                    "entre adhérents. De mon côté : **deux enregistreurs 8 pistes**, une perche "
                    "et un kit de micros HF.",
                ),
                (
                    "Maxime François",
                    "Excellente idée. Au collectif, nous avons un banc-titre et deux tables lumineuses pour "
                    "l'animation qui servent peu l'été. Il faudrait juste une convention de prêt simple, "
                    "avec l'assurance à la charge de l'emprunteur.",
                ),
                (
                    "Claire Moreau",
                    "La fédération peut rédiger un modèle de convention de prêt et tenir l'inventaire sur l'intranet. "
                    "Je propose d'en parler à la prochaine réunion du collège : @{Camille Martin}, "
                    "tu peux l'inscrire à l'ordre du jour ?",
                ),
                ("Camille Martin", "C'est noté. D'ici là, listez ici ce que vous pourriez mettre en commun."),
                (
                    "Manon Guerin",
                    "Je peux proposer une station de montage avec licence Avid, dans mon local à Limoges. "
                    "Utile pour finir un montage quand le budget ne suit plus.",
                ),
            ),
        ),
    ),
    "diffusion": (
        DemoThread(
            "Calendrier des festivals du réseau – saison 2027",
            (
                (
                    "Antoine Dubois",
                    "Pour éviter que nos événements se chevauchent, je tiens ici le calendrier des festivals "
                    "du réseau. **Ajoutez vos dates en réponse**, je les reporte chaque mois dans ce message.\n\n"
                    "- mars : Festival du court métrage, à Poitiers\n"
                    "- juin : rencontres des circuits itinérants\n"
                    "- octobre : Festival des Landes\n"
                    "- novembre : Mois du film documentaire dans les salles adhérentes",
                ),
                (
                    "Nathalie Fournier",
                    "L'édition 2027 du Festival des Landes aura lieu **du 12 au 17 octobre**. Nous cherchons des "
                    "salles partenaires pour des séances décentralisées le week-end : avis aux intéressés !",
                ),
                (
                    "Quentin Vincent",
                    "Pour le court métrage, ce sera la deuxième semaine de mars, comme d'habitude. "
                    "@{Nathalie Fournier}, on pourrait faire circuler une sélection de courts primés "
                    "en avant-programme de tes séances décentralisées ?",
                ),
                ("Nathalie Fournier", "Très bonne idée, parlons-en à la prochaine réunion du collège."),
            ),
            pinned=True,
        ),
        DemoThread(
            "Faire circuler un film dans les salles rurales",
            (
                (
                    "Pauline Perrin",
                    "Nous avons eu un très beau succès avec un documentaire tourné sur le plateau de Millevaches, "
                    "et plusieurs communes voisines voudraient le programmer. Problème : une seule copie chez "
                    "le distributeur, et des salles qui ne jouent que deux soirs par semaine. "
                    "Comment vous organisez-vous dans ce cas ?",
                ),
                (
                    "Julie Rousseau",
                    "On peut tout à fait organiser une **circulation de copie** entre plusieurs salles sur la même "
                    "semaine, à condition que chaque séance soit déclarée. Envoie-moi la liste des lieux et des "
                    "dates souhaitées, je vois avec le distributeur du film.",
                ),
                (
                    "Romain Morin",
                    "Le circuit itinérant passe chaque mois dans six communes de Corrèze et de Creuse. "
                    "Nous pouvons intégrer le film à la tournée de janvier si le distributeur est d'accord, "
                    "ce sera plus simple pour les salles des fêtes.",
                ),
                (
                    "Pauline Perrin",
                    "Merci @{Julie Rousseau} et @{Romain Morin} ! Je prépare un tableau avec les dates "
                    "et je vous l'envoie cette semaine.",
                ),
            ),
        ),
        DemoThread(
            "Tarifs jeune public : vous pratiquez quoi ?",
            (
                (
                    "Laura Muller",
                    "Nous revoyons notre grille tarifaire pour janvier. Aujourd'hui : **4,50 €** pour les moins de "
                    "14 ans et **3,50 €** en séance scolaire. Où vous situez-vous, et avez-vous un tarif famille ?",
                ),
                (
                    "Thomas Roux",
                    "Au Rex, 4 € pour les moins de 14 ans, et un tarif unique à 4 € pour tous le mercredi matin, "
                    "qui marche très bien pour les familles. Le scolaire est à 3 €, comme pour les dispositifs "
                    "d'éducation à l'image.",
                ),
                (
                    "Inès Colin",
                    "Au Lux, nous avons testé une **carte famille** : cinq places à 20 €, valables pour tout le foyer. "
                    "Bonne surprise, elle a fidélisé des parents qui ne venaient qu'aux vacances.",
                ),
                (
                    "Mathieu Lefebvre",
                    "Au ciné-club, les ciné-goûters restent à 3 €, goûter compris, mais c'est possible parce que "
                    "des bénévoles font tout. Ce ne serait pas tenable pour une salle avec des salariés.",
                ),
            ),
        ),
        DemoThread(
            "Séances en plein air l'été prochain : mutualiser l'écran gonflable ?",
            (
                (
                    "Romain Morin",
                    "Plusieurs communes nous demandent déjà des séances en plein air pour juillet et août. "
                    "Nous avons un écran gonflable de 8 mètres et le projecteur qui va avec, mais pas assez de "
                    "bénévoles pour tout assurer. Quelqu'un serait partant pour partager les dates et l'équipe ?",
                ),
                (
                    "Mathieu Lefebvre",
                    "Partant pour les Deux-Sèvres ! Nous pouvons fournir deux bénévoles formés au montage de l'écran.",
                ),
                (
                    "Antoine Dubois",
                    "Pensez aux droits : il faut l'autorisation du distributeur pour chaque séance, même gratuite. "
                    "Je peux centraliser les demandes pour le réseau si vous m'envoyez les titres envisagés "
                    "avant fin mars.",
                ),
                ("Romain Morin", "Merci @{Antoine Dubois}, je t'envoie la liste dès que les communes ont confirmé."),
            ),
        ),
    ),
    "education": (
        DemoThread(
            "Bilan de « Collège au cinéma » 2025-2026",
            (
                (
                    "Élise Lambert",
                    "Voici les premiers chiffres du bilan, avant la réunion de coordination avec le département :\n\n"
                    "- **42 collèges** inscrits, dont 6 nouveaux\n"
                    "- **3 films** au programme par niveau, dont un film d'animation\n"
                    "- une fréquentation des séances stable\n\n"
                    "J'épingle ce fil : merci d'y déposer vos retours de terrain, positifs comme négatifs.",
                ),
                (
                    "Anaïs Garcia",
                    "Au collège Montaigne, le film d'animation a été de loin le plus apprécié des 6e. En revanche, "
                    "le film en noir et blanc a été difficile pour les 4e sans préparation : une fiche "
                    "d'accompagnement plus courte aiderait beaucoup.",
                ),
                (
                    "Sophie Bonnet",
                    "Même constat au lycée. Les élèves accrochent dès qu'on leur donne **deux ou trois clés de "
                    "lecture** avant la séance, pas un dossier de vingt pages.",
                ),
                (
                    "Laura Muller",
                    "Côté salle, le transport reste le point noir : deux collèges ont dû annuler faute de car. "
                    "Peut-on demander au département de prendre en charge les trajets des établissements ruraux ?",
                ),
                (
                    "Élise Lambert",
                    "Je note tout pour le bilan. @{Laura Muller}, je porterai la question du transport "
                    "à la réunion avec le département.",
                ),
            ),
            pinned=True,
        ),
        DemoThread(
            "Formation des enseignants : vos attentes pour cet hiver",
            (
                (
                    "Marion Mercier",
                    "Les journées de formation des enseignants auront lieu en salle, la veille des premières "
                    "projections du deuxième trimestre. Au programme : **analyse de séquence**, pistes pédagogiques "
                    "et rencontre avec une professionnelle du film. Quels thèmes aimeriez-vous voir abordés en plus ?",
                ),
                (
                    "Sarah Faure",
                    "Pour le primaire, un temps sur **le son au cinéma** serait précieux : les élèves adorent les "
                    "exercices de bruitage, mais nous manquons d'outils simples. Et si possible le mercredi, "
                    "les remplacements en semaine sont difficiles à obtenir.",
                ),
                (
                    "Marion Mercier",
                    "Bonne idée. @{Benjamin André}, tu serais d'accord pour animer un atelier bruitage d'une heure ?",
                ),
                (
                    "Benjamin André",
                    "Avec plaisir, j'apporte le matériel. Il faudra juste une salle où l'on peut faire du bruit !",
                ),
            ),
        ),
        DemoThread(
            "Ateliers d'éducation à l'image : réaliser un film avec une classe",
            (
                (
                    "Benjamin André",
                    "J'ouvre un fil pour partager nos expériences d'ateliers de réalisation avec les élèves. "
                    "Cette année, avec une classe de CM2, nous avons tourné un film d'une minute en **un seul "
                    "plan-séquence** : une contrainte idéale pour parler cadre et mise en scène sans passer "
                    "des heures au montage.",
                ),
                (
                    "Kevin Legrand",
                    "À la maison des jeunes, on fait surtout du stop-motion sur tablette, ça marche très bien avec "
                    "les 10-12 ans. La limite, c'est le temps : il faut au moins trois séances pour arriver "
                    "à quelque chose de montrable.",
                ),
                (
                    "Chloé Chevalier",
                    "J'interviens sur l'écriture avec des lycéens : on part d'un fait divers local et on écrit "
                    "un synopsis en deux séances. Ils sont toujours surpris de découvrir qu'un scénario se réécrit "
                    "autant de fois.",
                ),
                (
                    "Zoé Lemaire",
                    "Je peux proposer des extraits de films amateurs tournés dans la région dans les années 1950 : "
                    "les élèves adorent reconnaître leur ville. @{Élise Lambert}, on pourrait en faire "
                    "une ressource commune ?",
                ),
                ("Élise Lambert", "Oui, excellente idée : je t'appelle la semaine prochaine pour en parler."),
            ),
        ),
    ),
    "patrimoine": (
        DemoThread(
            "Proposition de dépôt : un fonds amateur en 9,5 mm",
            (
                (
                    "Olivier Masson",
                    "Une famille de Guéret m'a confié une quarantaine de bobines **9,5 mm** tournées entre 1932 "
                    "et 1955 : fêtes de village, battages, un mariage. Elle souhaite que le fonds soit conservé "
                    "et montré. Qui peut l'accueillir, et avec quel type de contrat ?",
                ),
                (
                    "Philippe Girard",
                    "La cinémathèque peut l'accueillir en **dépôt**, ce qui laisse la propriété à la famille. "
                    "Il faut d'abord un état sanitaire : si certaines bobines sentent le vinaigre, "
                    "isole-les dès maintenant des autres.",
                ),
                (
                    "Guillaume Roussel",
                    "Je confirme, et attention aux perforations centrales du 9,5 mm, qui fragilisent l'image : "
                    "aucune projection avant examen. Nous pouvons faire l'inspection et un devis de numérisation "
                    "au laboratoire.",
                ),
                (
                    "Olivier Masson",
                    "Trois bobines sentent effectivement le vinaigre, je les mets à part. @{Philippe Girard}, "
                    "je t'envoie l'inventaire et les coordonnées de la famille.",
                ),
                (
                    "Julien Lefèvre",
                    "J'ajoute le fonds au suivi des collectes de la fédération. Pensez à recueillir le témoignage "
                    "de la famille : qui filmait, où, quand. C'est souvent ce qui manque le plus ensuite.",
                ),
            ),
        ),
        DemoThread(
            "Numérisation des fonds photographiques : quels formats ?",
            (
                (
                    "Aurélie Nicolas",
                    "Nous commençons la numérisation d'un fonds de plaques de verre et de négatifs souples d'un "
                    "photographe de plateau. Vous travaillez en TIFF 16 bits non compressé, ou en JPEG 2000 "
                    "sans perte pour gagner de la place ?",
                ),
                (
                    "Hugo Fontaine",
                    "Au centre de ressources, nous gardons un **master TIFF non compressé** et produisons des JPEG "
                    "pour la consultation. Le stockage coûte cher, mais refaire une numérisation ratée coûte "
                    "encore plus. L'essentiel est de tout documenter : résolution, matériel, profil colorimétrique.",
                ),
                (
                    "Julien Lefèvre",
                    "Même pratique à la fédération. Pour le catalogage, nous pouvons partager notre modèle de fiche, "
                    "compatible avec celui des archives départementales : ça évitera de tout ressaisir.",
                ),
                (
                    "Vincent Duval",
                    "Volontiers pour le modèle. Aux archives, nous demandons aussi la **cession des droits** "
                    "avant toute mise en ligne : à anticiper dès le dépôt, surtout pour les photos de tournage "
                    "où les comédiens sont reconnaissables.",
                ),
            ),
        ),
        DemoThread(
            "Valoriser les archives filmiques dans les salles",
            (
                (
                    "Vincent Duval",
                    "Les salles nous demandent de plus en plus des programmes d'archives en avant-séance ou en "
                    "ciné-concert. Je propose de constituer un **catalogue commun** de programmes prêts à diffuser, "
                    "droits réglés et durée indiquée.",
                ),
                (
                    "Céline Henry",
                    "Les ciné-concerts sur films amateurs marchent très bien : l'an dernier, une séance sur les fêtes "
                    "de village a rempli une salle de 200 places à Châtellerault. Il faut juste une présentation "
                    "d'une dizaine de minutes pour remettre les images dans leur contexte.",
                ),
                (
                    "Margaux Brunet",
                    "J'ai monté un court programme d'archives sur l'estuaire pour un documentaire. "
                    "Je peux le proposer au catalogue si les ayants droit sont d'accord.",
                ),
                (
                    "Hugo Fontaine",
                    "Merci à tous, j'épingle ce fil pour y suivre le catalogue en construction. @{Vincent Duval}, "
                    "peux-tu proposer une première liste de cinq programmes pour la prochaine réunion ?",
                ),
            ),
            pinned=True,
        ),
    ),
    "general": (
        DemoThread(
            "Assemblée générale du 20 mars : ordre du jour et procurations",
            (
                (
                    "Claire Moreau",
                    "L'assemblée générale aura lieu le **samedi 20 mars à 10 h**, au cinéma Le Rex, en Dordogne. "
                    "Au programme :\n\n"
                    "1. rapport moral et rapport d'activité\n"
                    "2. rapport financier et vote du budget\n"
                    "3. renouvellement d'un tiers du conseil d'administration\n\n"
                    "Si vous ne pouvez pas venir, pensez à donner procuration à un autre membre. "
                    "Les candidatures au conseil sont ouvertes jusqu'au 6 mars.",
                ),
                (
                    "Paul Schmitt",
                    "Une captation est-elle prévue pour celles et ceux qui ne pourront pas se déplacer ? "
                    "Je peux m'en charger bénévolement avec mon matériel.",
                ),
                (
                    "Claire Moreau",
                    "Merci @{Paul Schmitt}, proposition acceptée avec plaisir ! @{Thomas Roux}, "
                    "peux-tu prévoir une sortie son en cabine pour Paul ?",
                ),
                (
                    "Thomas Roux",
                    "Aucun problème, la console a une sortie libre. Je prévois aussi le café d'accueil dès 9 h 30.",
                ),
                (
                    "Bastien Renaud",
                    "Un covoiturage est-il prévu depuis les Landes ? Je peux prendre trois personnes "
                    "au départ de Mont-de-Marsan.",
                ),
            ),
        ),
        DemoThread(
            "Nouvelle charte graphique de la fédération",
            (
                (
                    "Claire Moreau",
                    "La nouvelle charte graphique est prête : un logo redessiné, deux typographies et une palette "
                    "de quatre couleurs, une par collège. Les fichiers sont disponibles sur simple demande auprès "
                    "de l'équipe. Un grand merci à @{Inès Colin}, qui a piloté le groupe de travail.",
                ),
                (
                    "Inès Colin",
                    "Quelques règles simples pour bien l'utiliser :\n\n"
                    "- le logo ne se déforme pas et garde sa marge de protection ;\n"
                    "- sur fond sombre, on utilise la version blanche ;\n"
                    "- la couleur d'un collège est réservée à ses propres communications.\n\n"
                    "Je reste disponible pour vos questions.",
                ),
                (
                    "Quentin Vincent",
                    "Bravo pour le travail ! Existe-t-il une version du logo pour les génériques et les cartons "
                    "de partenaires en fin de film ?",
                ),
                (
                    "Inès Colin",
                    "Oui, une version horizontale blanche sur fond noir est prévue pour les génériques. "
                    "Je l'ajoute aux fichiers d'ici la fin de la semaine.",
                ),
            ),
        ),
        DemoThread(
            "Offres d'emploi, de stage et de service civique",
            (
                (
                    "Claire Moreau",
                    "Ce fil rassemble les offres des structures adhérentes. Pour chaque offre, merci d'indiquer "
                    "**le poste, le lieu, le type de contrat et la date limite de candidature**.",
                ),
                (
                    "Nathalie Fournier",
                    "Le Festival des Landes recrute un·e **chargé·e d'accueil des publics** en CDD de six mois, "
                    "de mai à octobre, à Mont-de-Marsan. Candidatures jusqu'au 15 janvier.",
                ),
                (
                    "Emma Robin",
                    "Garonne Films cherche un·e **stagiaire en production** pour six mois à partir de février, à Agen. "
                    "Idéal pour une fin de master.",
                ),
                (
                    "Laura Muller",
                    "Le cinéma Jean-Vigo propose une mission de **service civique** de huit mois autour de l'accueil "
                    "des scolaires, à pourvoir dès janvier.",
                ),
                (
                    "Paul Schmitt",
                    "Merci pour ce fil ! Je relaie les offres auprès des étudiants du BTS audiovisuel où j'interviens.",
                ),
            ),
        ),
    ),
    "conseil-d-administration": (
        DemoThread(
            "Budget prévisionnel 2027 : première version",
            (
                (
                    "Nathalie Fournier",
                    "Voici la première version du budget prévisionnel, à discuter avant la prochaine réunion :\n\n"
                    "- charges en hausse de **4 %**, surtout à cause des salaires et de l'intranet ;\n"
                    "- subvention régionale reconduite à l'identique ;\n"
                    "- cotisations stables.\n\n"
                    "Il reste un déficit prévisionnel de **6 000 €** à combler.",
                ),
                (
                    "Isabelle Garnier",
                    "Merci Nathalie. Je préférerais présenter à l'AG un budget à l'équilibre : regardons du côté "
                    "des partenariats privés, ou d'une petite hausse des cotisations des structures.",
                ),
                (
                    "Claire Moreau",
                    "Nous avons déposé une demande au département pour l'éducation à l'image, réponse attendue "
                    "en février. Si elle aboutit, elle couvrirait à peu près la moitié du déficit.",
                ),
                (
                    "Philippe Girard",
                    "> une petite hausse des cotisations des structures\n\n"
                    "D'accord, à condition de ne pas toucher aux cotisations individuelles : beaucoup de nos membres "
                    "sont bénévoles ou intermittents.",
                ),
                (
                    "Nathalie Fournier",
                    "Entendu. Je prépare deux scénarios chiffrés pour la réunion, avec et sans la subvention "
                    "départementale.",
                ),
            ),
        ),
        DemoThread(
            "Ordre du jour de la réunion du 10 décembre",
            (
                (
                    "Thomas Roux",
                    "Voici le projet d'ordre du jour de la réunion du **jeudi 10 décembre à 18 h**, au siège "
                    "et en visio :\n\n"
                    "1. approbation du compte rendu de la dernière réunion\n"
                    "2. budget prévisionnel 2027\n"
                    "3. préparation de l'assemblée générale\n"
                    "4. point sur les collèges\n"
                    "5. questions diverses\n\n"
                    "Merci de me signaler d'ici lundi les points à ajouter.",
                ),
                (
                    "Sophie Bonnet",
                    "Je souhaiterais ajouter un point sur la convention avec le rectorat pour les dispositifs "
                    "scolaires, qui arrive à échéance en juin.",
                ),
                (
                    "Claire Moreau",
                    "Ajouté en point 5. @{Sophie Bonnet}, je te transmets la convention actuelle pour que tu "
                    "puisses la présenter.",
                ),
            ),
        ),
    ),
}


def seed_forum_demo() -> int:
    """Start whichever demo thread is missing in its forum; return the number of threads created."""
    created = 0
    users: dict[str, User] = {}
    with transaction.atomic():
        for slug, threads in FORUM_THREADS.items():
            forum = Forum.objects.select_related("college").filter(slug=slug).first()
            if forum is None:
                continue
            existing = set(Thread.objects.filter(forum=forum).values_list("title", flat=True))
            for demo in threads:
                if demo.title in existing:
                    continue
                _create_thread(forum, demo, users)
                created += 1
    return created


def _create_thread(forum: Forum, demo: DemoThread, users: dict[str, User]) -> Thread:
    (first_author, first_body), *replies = demo.posts
    thread = actions.start_thread(
        _user(first_author, users), forum=forum, title=demo.title, body=_body(first_body, forum, users)
    )
    for author, body in replies:
        actions.reply(_user(author, users), thread=thread, body=_body(body, forum, users))
    if demo.pinned:
        thread = actions.set_thread_pinned(_coordinator(forum, users), thread=thread, pinned=True)
    return thread


def _user(name: str, users: dict[str, User]) -> User:
    if name not in users:
        person = next(p for p in PEOPLE if f"{p.first_name} {p.last_name}" == name)
        users[name] = User.objects.get(email=person.email)
    return users[name]


def _coordinator(forum: Forum, users: dict[str, User]) -> User:
    if forum.kind != ForumKind.COLLEGE:
        raise ValueError(f"Only collège forums have a coordinator to pin threads: {forum.slug}")
    role = (forum.college.slug, "coordinator")
    person = next(p for p in PEOPLE if role in p.colleges)
    return _user(f"{person.first_name} {person.last_name}", users)


def _body(text: str, forum: Forum, users: dict[str, User]) -> str:
    """Replace each ``@{Prénom Nom}`` by that person's @handle; they must be able to read the forum."""

    def mention(match: re.Match) -> str:
        person = _user(match.group(1), users)
        if not policies.can_read_forum(person, forum):
            raise ValueError(f"{match.group(1)} cannot read {forum.slug}: do not mention them there.")
        return f"@{person.handle}"

    return _MENTION.sub(mention, text)
