"""Synthetic personal names for the demo: common Rajasthani names in two scripts.

Every name is a first name and a surname drawn from one pool; a pool pairs first names
with the surnames they commonly go with, so combinations stay plausible. The names are
common ones; no combination is meant to be a real person, and `AVOID` skips
combinations that would read as well-known public figures. Each entry is
(Devanagari, Latin transliteration).
"""

from __future__ import annotations

import random
from dataclasses import dataclass

Name = tuple[str, str]


@dataclass(frozen=True)
class Pool:
    weight: int
    male: tuple[Name, ...]
    female: tuple[Name, ...]
    surnames: tuple[Name, ...]


MALE_A: tuple[Name, ...] = (
    ("राकेश", "Rakesh"),
    ("सुरेश", "Suresh"),
    ("महेश", "Mahesh"),
    ("दिनेश", "Dinesh"),
    ("रमेश", "Ramesh"),
    ("मुकेश", "Mukesh"),
    ("अशोक", "Ashok"),
    ("विनोद", "Vinod"),
    ("संजय", "Sanjay"),
    ("राजेश", "Rajesh"),
    ("अनिल", "Anil"),
    ("सुनील", "Sunil"),
    ("मनोज", "Manoj"),
    ("प्रकाश", "Prakash"),
    ("कैलाश", "Kailash"),
    ("गोपाल", "Gopal"),
    ("श्याम", "Shyam"),
    ("राम लाल", "Ram Lal"),
    ("मोहन लाल", "Mohan Lal"),
    ("भंवर लाल", "Bhanwar Lal"),
    ("जगदीश", "Jagdish"),
    ("ओम प्रकाश", "Om Prakash"),
    ("महेंद्र", "Mahendra"),
    ("सुरेंद्र", "Surendra"),
    ("धर्मेंद्र", "Dharmendra"),
    ("विकास", "Vikas"),
    ("अंकित", "Ankit"),
    ("रोहित", "Rohit"),
    ("विजय", "Vijay"),
    ("अजय", "Ajay"),
    ("दीपक", "Deepak"),
    ("पवन", "Pawan"),
    ("नरेश", "Naresh"),
    ("कमल", "Kamal"),
    ("हेमंत", "Hemant"),
    ("लोकेश", "Lokesh"),
    ("योगेश", "Yogesh"),
    ("गणेश", "Ganesh"),
    ("जितेंद्र", "Jitendra"),
    ("मनीष", "Manish"),
    ("प्रदीप", "Pradeep"),
    ("राजेंद्र", "Rajendra"),
    ("गिरिराज", "Giriraj"),
    ("बजरंग", "Bajrang"),
    ("शंकर", "Shankar"),
    ("रघुवीर", "Raghuveer"),
    ("उम्मेद", "Ummed"),
    ("किशन", "Kishan"),
    ("सांवर मल", "Sanwar Mal"),
    ("हरीश", "Harish"),
    ("नवीन", "Naveen"),
    ("सौरभ", "Saurabh"),
    ("तरुण", "Tarun"),
    ("भरत", "Bharat"),
    ("चंद्र प्रकाश", "Chandra Prakash"),
    ("घनश्याम", "Ghanshyam"),
    ("रतन लाल", "Ratan Lal"),
    ("कन्हैया लाल", "Kanhaiya Lal"),
    ("दिलीप", "Dilip"),
    ("कमलेश", "Kamlesh"),
)

FEMALE_A: tuple[Name, ...] = (
    ("सीमा", "Seema"),
    ("सुनीता", "Sunita"),
    ("अनीता", "Anita"),
    ("पूजा", "Pooja"),
    ("कविता", "Kavita"),
    ("ममता", "Mamta"),
    ("रेखा", "Rekha"),
    ("सरिता", "Sarita"),
    ("मंजू", "Manju"),
    ("संगीता", "Sangeeta"),
    ("प्रियंका", "Priyanka"),
    ("नीतू", "Neetu"),
    ("सुमन", "Suman"),
    ("गीता", "Geeta"),
    ("कमला", "Kamla"),
    ("शांति", "Shanti"),
    ("लक्ष्मी", "Laxmi"),
    ("रीना", "Reena"),
    ("उषा", "Usha"),
    ("भावना", "Bhawna"),
    ("दीपिका", "Deepika"),
    ("नेहा", "Neha"),
    ("ज्योति", "Jyoti"),
    ("अंजलि", "Anjali"),
    ("किरण", "Kiran"),
    ("सपना", "Sapna"),
    ("राधा", "Radha"),
    ("सुशीला", "Sushila"),
    ("विमला", "Vimla"),
    ("पुष्पा", "Pushpa"),
    ("गायत्री", "Gayatri"),
    ("हेमलता", "Hemlata"),
    ("मधु", "Madhu"),
    ("संतोष", "Santosh"),
    ("आशा", "Asha"),
    ("निर्मला", "Nirmala"),
    ("रजनी", "Rajni"),
    ("वर्षा", "Varsha"),
)

SURNAMES_A: tuple[Name, ...] = (
    ("शर्मा", "Sharma"),
    ("जैन", "Jain"),
    ("गुप्ता", "Gupta"),
    ("अग्रवाल", "Agarwal"),
    ("माथुर", "Mathur"),
    ("राठौड़", "Rathore"),
    ("चौहान", "Chouhan"),
    ("सांखला", "Sankhla"),
    ("गहलोत", "Gehlot"),
    ("सोलंकी", "Solanki"),
    ("रावत", "Rawat"),
    ("यादव", "Yadav"),
    ("सैनी", "Saini"),
    ("कुमावत", "Kumawat"),
    ("चौधरी", "Choudhary"),
    ("बैरवा", "Bairwa"),
    ("मेघवाल", "Meghwal"),
    ("मीणा", "Meena"),
    ("पारीक", "Pareek"),
    ("जोशी", "Joshi"),
    ("व्यास", "Vyas"),
    ("खंडेलवाल", "Khandelwal"),
    ("टांक", "Tak"),
    ("भाटी", "Bhati"),
    ("परिहार", "Parihar"),
    ("तंवर", "Tanwar"),
    ("सोनी", "Soni"),
    ("वर्मा", "Verma"),
    ("जांगिड़", "Jangid"),
    ("प्रजापत", "Prajapat"),
    ("लालवानी", "Lalwani"),
    ("मोटवानी", "Motwani"),
    ("आसवानी", "Aswani"),
    ("तेजवानी", "Tejwani"),
    ("दाधीच", "Dadhich"),
    ("सिंघल", "Singhal"),
)

MALE_B: tuple[Name, ...] = (
    ("इमरान", "Imran"),
    ("सलीम", "Salim"),
    ("रफ़ीक़", "Rafiq"),
    ("अनवर", "Anwar"),
    ("शाहिद", "Shahid"),
    ("आसिफ़", "Asif"),
    ("जावेद", "Javed"),
    ("नदीम", "Nadeem"),
    ("इरफ़ान", "Irfan"),
    ("फ़ारूक़", "Farooq"),
    ("अकरम", "Akram"),
    ("रईस", "Rais"),
    ("यूसुफ़", "Yusuf"),
    ("ज़ाकिर", "Zakir"),
    ("शकील", "Shakeel"),
)

FEMALE_B: tuple[Name, ...] = (
    ("शबाना", "Shabana"),
    ("रेहाना", "Rehana"),
    ("नाज़िया", "Nazia"),
    ("फ़रहाना", "Farhana"),
    ("सलमा", "Salma"),
    ("रुख़साना", "Rukhsana"),
    ("शाहीन", "Shaheen"),
    ("यास्मीन", "Yasmeen"),
    ("नसरीन", "Nasreen"),
    ("आयशा", "Ayesha"),
)

SURNAMES_B: tuple[Name, ...] = (
    ("ख़ान", "Khan"),
    ("क़ुरैशी", "Qureshi"),
    ("अंसारी", "Ansari"),
    ("शेख़", "Sheikh"),
    ("मंसूरी", "Mansoori"),
    ("सिद्दीक़ी", "Siddiqui"),
    ("पठान", "Pathan"),
    ("मिर्ज़ा", "Mirza"),
)

# More surnames for rolls with realistic frequencies (the benchmarks' generator): a
# real constituency has hundreds, the commonest a few per cent of its electors. Not in
# the pools, so the demo's names stay as they are.
MORE_SURNAMES_A: tuple[Name, ...] = (
    ("सिंह", "Singh"),
    ("कुमार", "Kumar"),
    ("शेखावत", "Shekhawat"),
    ("भाटिया", "Bhatia"),
    ("तिवारी", "Tiwari"),
    ("मिश्रा", "Mishra"),
    ("पांडे", "Pandey"),
    ("शुक्ला", "Shukla"),
    ("दुबे", "Dubey"),
    ("त्रिपाठी", "Tripathi"),
    ("चतुर्वेदी", "Chaturvedi"),
    ("उपाध्याय", "Upadhyay"),
    ("दीक्षित", "Dixit"),
    ("भारद्वाज", "Bhardwaj"),
    ("गौड़", "Gaur"),
    ("पुरोहित", "Purohit"),
    ("आचार्य", "Acharya"),
    ("स्वामी", "Swami"),
    ("गोस्वामी", "Goswami"),
    ("बोहरा", "Bohra"),
    ("कोठारी", "Kothari"),
    ("मेहता", "Mehta"),
    ("सेठी", "Sethi"),
    ("बंसल", "Bansal"),
    ("गोयल", "Goyal"),
    ("मित्तल", "Mittal"),
    ("गर्ग", "Garg"),
    ("जिंदल", "Jindal"),
    ("माहेश्वरी", "Maheshwari"),
    ("लढ़ा", "Ladha"),
    ("बियानी", "Biyani"),
    ("डागा", "Daga"),
    ("मूंदड़ा", "Mundra"),
    ("सोमानी", "Somani"),
    ("झंवर", "Jhanwar"),
    ("काबरा", "Kabra"),
    ("तोषनीवाल", "Toshniwal"),
    ("बाहेती", "Baheti"),
    ("भंडारी", "Bhandari"),
    ("सुराणा", "Surana"),
    ("चोरड़िया", "Chordia"),
    ("लोढ़ा", "Lodha"),
    ("बाफना", "Bafna"),
    ("पालीवाल", "Paliwal"),
    ("श्रीमाली", "Shrimali"),
    ("दवे", "Dave"),
    ("त्रिवेदी", "Trivedi"),
    ("भट्ट", "Bhatt"),
    ("राजपुरोहित", "Rajpurohit"),
    ("चारण", "Charan"),
    ("राव", "Rao"),
    ("माली", "Mali"),
    ("कच्छावा", "Kachhawa"),
    ("पंवार", "Panwar"),
    ("परमार", "Parmar"),
    ("देवड़ा", "Deora"),
    ("झाला", "Jhala"),
    ("हाडा", "Hada"),
    ("राणावत", "Ranawat"),
    ("नरूका", "Naruka"),
    ("बिश्नोई", "Bishnoi"),
    ("गोदारा", "Godara"),
    ("बेनीवाल", "Beniwal"),
    ("पूनिया", "Poonia"),
    ("ढाका", "Dhaka"),
    ("सिहाग", "Sihag"),
    ("डूडी", "Dudi"),
    ("कस्वां", "Kaswan"),
    ("मील", "Meel"),
    ("भाम्भू", "Bhambhu"),
    ("झाझड़िया", "Jhajharia"),
    ("खीचड़", "Khichar"),
    ("बुरड़क", "Burdak"),
    ("महला", "Mahla"),
    ("रेगर", "Regar"),
    ("जाटव", "Jatav"),
    ("खटीक", "Khatik"),
    ("सुथार", "Suthar"),
    ("लोहार", "Lohar"),
    ("दर्जी", "Darji"),
    ("कुम्हार", "Kumhar"),
    ("प्रजापति", "Prajapati"),
    ("तेली", "Teli"),
    ("साहू", "Sahu"),
    ("गुर्जर", "Gurjar"),
    ("धाकड़", "Dhakad"),
    ("नागर", "Nagar"),
    ("मालव", "Malav"),
    ("राणा", "Rana"),
    ("कलाल", "Kalal"),
    ("सुमन", "Suman"),
    ("वैष्णव", "Vaishnav"),
    ("खत्री", "Khatri"),
    ("अरोड़ा", "Arora"),
    ("कपूर", "Kapoor"),
    ("मल्होत्रा", "Malhotra"),
    ("खन्ना", "Khanna"),
    ("चावला", "Chawla"),
    ("आहूजा", "Ahuja"),
    ("नागपाल", "Nagpal"),
    ("सचदेवा", "Sachdeva"),
    ("वधवा", "Wadhwa"),
    ("गिडवानी", "Gidwani"),
    ("रामचंदानी", "Ramchandani"),
    ("कृपलानी", "Kripalani"),
)

MORE_SURNAMES_B: tuple[Name, ...] = (
    ("सैयद", "Syed"),
    ("फ़ारूक़ी", "Farooqui"),
    ("उस्मानी", "Usmani"),
    ("रंगरेज़", "Rangrez"),
    ("हुसैन", "Hussain"),
    ("अली", "Ali"),
    ("अहमद", "Ahmed"),
    ("बेग", "Beg"),
    ("मलिक", "Malik"),
    ("क़ाज़ी", "Qazi"),
    ("नक़वी", "Naqvi"),
    ("रिज़वी", "Rizvi"),
    ("ज़ैदी", "Zaidi"),
    ("अब्बासी", "Abbasi"),
    ("सलमानी", "Salmani"),
    ("गौरी", "Gauri"),
)

POOLS: tuple[Pool, ...] = (
    Pool(weight=85, male=MALE_A, female=FEMALE_A, surnames=SURNAMES_A),
    Pool(weight=15, male=MALE_B, female=FEMALE_B, surnames=SURNAMES_B),
)

# Latin forms of combinations that read as well-known public figures; never generated.
AVOID = frozenset(
    {
        "Ashok Gehlot",
        "Rajendra Rathore",
        "Ramesh Meena",
        "Mahesh Joshi",
        "Raghu Sharma",
        "Kailash Choudhary",
        "Mamta Bhupesh",
        "Imran Khan",
        "Salim Khan",
        "Sunil Sharma",
        "Anita Bhadel",
        "Kiran Maheshwari",
    }
)


class NameMaker:
    """Deterministic, unique names: the same seed gives the same sequence."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[str] = set()

    def make(self, *, female: bool) -> Name:
        """A new (Devanagari, Latin) full name, never one given before."""
        weights = [pool.weight for pool in POOLS]
        for _attempt in range(1000):
            pool = self.rng.choices(POOLS, weights=weights)[0]
            first = self.rng.choice(pool.female if female else pool.male)
            surname = self.rng.choice(pool.surnames)
            latin = f"{first[1]} {surname[1]}"
            if latin in AVOID or latin in self.used:
                continue
            self.used.add(latin)
            return f"{first[0]} {surname[0]}", latin
        raise RuntimeError("Ran out of distinct names.")
